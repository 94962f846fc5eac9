package org.tpsweep.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ρ and ‖·‖₂ of {@link SpectralMeasures} on matrices with known values and against Commons Math. */
class SpectralMeasuresTest {

    @Test
    void aScaledRotationHasComplexEigenvaluesOfModulusItsScale() {
        INDArray r = Nd4j.createFromArray(new double[][] {{0.6, -0.72}, {0.72, 0.6}});      // 0.9 × rotation
        SpectralMeasures.Values v = SpectralMeasures.of(r);
        assertEquals(Math.hypot(0.6, 0.72), v.radius(), 1e-12);
        assertEquals(Math.hypot(0.6, 0.72), v.norm(), 1e-12);
    }

    @Test
    void aNonNormalMatrixHasRadiusBelowOneAndNormAboveIt() {
        // §6 check 7's counter-example shape: ρ = 0.5 but ‖·‖₂ = (√(b² + 4a²) + b)/2 for [[a, b], [0, a]]
        INDArray m = Nd4j.createFromArray(new double[][] {{0.5, 10}, {0, 0.5}});
        SpectralMeasures.Values v = SpectralMeasures.of(m);
        assertEquals(0.5, v.radius(), 1e-9);
        assertEquals((Math.sqrt(101) + 10) / 2, v.norm(), 1e-12);
    }

    @Test
    void agreesWithCommonsMathOnARandomMatrixAndTheRadiusNeverExceedsTheNorm() {
        INDArray m = Nd4j.createUninitialized(DataType.DOUBLE, 40, 40);
        Nd4j.randn(0.0, 0.2, m, Nd4j.getRandomFactory().getNewRandomInstance(5));
        SpectralMeasures.Values v = SpectralMeasures.of(m);
        JacobianConditions.Eigenvalues e = JacobianConditions.eigenvalues(m);
        double rho = 0;
        for (int k = 0; k < 40; k++) {
            rho = Math.max(rho, Math.hypot(e.real()[k], e.imaginary()[k]));
        }
        double norm = new SingularValueDecomposition(new Array2DRowRealMatrix(m.toDoubleMatrix())).getNorm();
        assertEquals(rho, v.radius(), 1e-10 * rho);
        assertEquals(norm, v.norm(), 1e-10 * norm);
        assertTrue(v.radius() < v.norm(), v.toString());
    }

    @Test
    void aNonFiniteEntryGivesNaNAndANonSquareMatrixIsRefused() {
        INDArray m = Nd4j.createFromArray(new double[][] {{1, Double.NaN}, {0, 1}});
        SpectralMeasures.Values v = SpectralMeasures.of(m);
        assertTrue(Double.isNaN(v.radius()) && Double.isNaN(v.norm()), v.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpectralMeasures.of(Nd4j.zeros(DataType.DOUBLE, 2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void lapackLoadsHere() {
        // the fallbacks are exercised above through Commons Math as the reference; here the fast paths must be live
        assertTrue(LapackSingularValues.AVAILABLE, "LAPACK dgesvd");
        assertTrue(LapackEigenvalues.AVAILABLE, "LAPACK dgeev");
    }
}
