package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The generated student–teacher set of ALGORITHMS.md §5: shapes, determinism, inputs in the cube, a nonlinear teacher. */
class StudentTeacherTest {

    @Test
    void shapesAndDeterminism() {
        TrainTestData a = StudentTeacher.generate();
        TrainTestData b = StudentTeacher.generate();
        assertEquals(2000, a.train().n());
        assertEquals(1000, a.test().n());
        assertEquals(6, a.train().dim());
        assertEquals(2, a.train().numClasses());
        assertTrue(a.train().isRegression());
        assertArrayEquals(a.train().x(), b.train().x());
        assertArrayEquals(a.train().targets(), b.train().targets());
        for (float v : a.train().x()) {
            assertTrue(v >= -1 && v <= 1);
        }
        var batch = a.train().batch(new int[] {3, 0}, 0, 2, DataType.DOUBLE);
        assertEquals(a.train().targets()[3 * 2 + 1], batch.targets().getDouble(0, 1), 1e-7);
        assertEquals(a.train().targets()[0], batch.targets().getDouble(1, 0), 1e-7);
    }

    @Test
    void teacherIsNonlinear() {
        // A ReLU teacher with gain 3 is not odd: y(x) + y(−x) = 2·y(0) would hold for an affine teacher.
        // Check on the data instead: the least-squares affine fit leaves a clear residual.
        LabeledData d = StudentTeacher.generate().train();
        int n = d.n();
        int p = d.dim() + 1;
        double[][] ata = new double[p][p];
        double[] aty = new double[p];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            double[] row = new double[p];
            row[0] = 1;
            for (int j = 0; j < d.dim(); j++) {
                row[j + 1] = d.x()[i * d.dim() + j];
            }
            ys[i] = d.targets()[i * 2];
            for (int r = 0; r < p; r++) {
                aty[r] += row[r] * ys[i];
                for (int c = 0; c < p; c++) {
                    ata[r][c] += row[r] * row[c];
                }
            }
        }
        double[] beta = solve(ata, aty);
        double mean = 0;
        for (double y : ys) {
            mean += y / n;
        }
        double ssTot = 0;
        double ssRes = 0;
        for (int i = 0; i < n; i++) {
            double fit = beta[0];
            for (int j = 0; j < d.dim(); j++) {
                fit += beta[j + 1] * d.x()[i * d.dim() + j];
            }
            ssRes += (ys[i] - fit) * (ys[i] - fit);
            ssTot += (ys[i] - mean) * (ys[i] - mean);
        }
        assertTrue(ssTot > 0);
        assertTrue(ssRes / ssTot > 0.05, "affine fit explains too much: R² = " + (1 - ssRes / ssTot));
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int c = 0; c < n; c++) {
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k < n; k++) {
                    a[r][k] -= f * a[c][k];
                }
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }
}
