package org.tpsweep.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.rules.GaussNewtonTargets;

/**
 * [M]'s null-space ratio (ALGORITHMS.md §4, toy experiments): ‖P_null(J_W) vec(ΔW_i)‖ / ‖vec(ΔW_i)‖ with
 * J_W = ∂a_L/∂vec(W_i) over the minibatch's samples, its null space from an SVD (singular values below
 * 1e-12 count as zero). Row (b, r) of J_W is ∂a_{L,r}/∂W_i[p][q] = h_{i-1,b}[p] · (∂a_{L,r}/∂a_{i,q})_b.
 * J_W has n_{i-1}·n_i columns: meant for the small networks of the toy experiments.
 */
public final class NullSpaceRatio {
    private static final double ZERO_SINGULAR_VALUE = 1e-12;

    private NullSpaceRatio() {
    }

    /** The ratio for layer i's update {@code deltaW} (n_{i-1} × n_i) on this forward pass. */
    public static double of(DenseNetwork net, ForwardPass pass, int i, INDArray deltaW) {
        INDArray jw = weightJacobian(net, pass, i);
        int cols = (int) jw.columns();
        INDArray x = deltaW.castTo(DataType.DOUBLE).reshape('c', 1, cols);
        int m = (int) jw.rows();
        INDArray a = jw.dup('f');
        INDArray s = Nd4j.create(DataType.DOUBLE, Math.min(m, cols));
        INDArray vt = Nd4j.create(DataType.DOUBLE, new long[] {cols, cols}, 'f');
        Nd4j.getBlasWrapper().lapack().gesvd(a, s, null, vt);
        INDArray projection = Nd4j.zeros(DataType.DOUBLE, 1, cols);
        for (int k = 0; k < s.length(); k++) {
            if (s.getDouble(k) > ZERO_SINGULAR_VALUE) {
                INDArray v = vt.getRow(k).reshape(1, cols);
                projection.addi(v.mul(x.mul(v).sumNumber().doubleValue()));
            }
        }
        double norm = x.norm2Number().doubleValue();
        return norm == 0 ? Double.NaN : x.sub(projection).norm2Number().doubleValue() / norm;
    }

    /** J_W, (B·n_L) × (n_{i-1}·n_i), float64. */
    static INDArray weightJacobian(DenseNetwork net, ForwardPass pass, int i) {
        int b = pass.batchSize();
        int nOut = net.width(net.numLayers());
        int nIn = net.width(i - 1);
        int n = net.width(i);
        double[] ja = GaussNewtonTargets.jacobians(net, pass, i).castTo(DataType.DOUBLE).data().asDouble();
        double[] h = pass.h(i).castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] hPrev = pass.h(i - 1).castTo(DataType.DOUBLE).dup('c').data().asDouble();
        boolean hidden = net.isHidden(i);
        double[] jw = new double[b * nOut * nIn * n];
        for (int s = 0; s < b; s++) {
            for (int r = 0; r < nOut; r++) {
                int row = (s * nOut + r) * nIn * n;
                for (int p = 0; p < nIn; p++) {
                    double hp = hPrev[s * nIn + p];
                    for (int q = 0; q < n; q++) {
                        double dAq = ja[(s * nOut + r) * n + q];
                        if (hidden) {
                            double hq = h[s * n + q];
                            dAq *= 1 - hq * hq;                        // ∂a_L/∂a_i = ∂a_L/∂h_i · φ'(a_i)
                        }
                        jw[row + p * n + q] = hp * dAq;
                    }
                }
            }
        }
        return Nd4j.create(jw, new long[] {(long) b * nOut, (long) nIn * n}, 'c');
    }
}
