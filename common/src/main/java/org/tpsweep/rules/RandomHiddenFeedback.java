package org.tpsweep.rules;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tpsweep.nn.FastTanh;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.MatMul;
import org.tpsweep.optim.Parameter;

/**
 * The feedback of ddtp-rhl and ddtp-rec ([M]'s DKDTP2, ALGORITHMS.md §3a): a shared fixed random layer
 * z(a) = tanh(a R + r) (R n_L × n_fb and r 1 × n_fb drawn from U(−1/√n_L, 1/√n_L), never trained) and one
 * trained tanh map per hidden layer. Layers i ≤ L−2 read z: g_i(z) = tanh(z Q_i + c_i) (ddtp-rhl,
 * Q_i n_fb × n_i) or g_i(z, h_i) = tanh([z, h_i] Q_i + c_i) (ddtp-rec, Q_i (n_fb + n_i) × n_i, z's rows first,
 * h_i the layer's clean activation); the last hidden layer reads a_L directly, g_{L-1}(a) = tanh(a Q + c)
 * (Q n_L × n_{L-1}) in both. Every map has its bias c_i.
 *
 * <p>Every map is written g_i(u) = tanh(u Q_i^u + o_i): u = z(·) or a_L is the part that changes with the
 * output (Q_i^u the rows of Q_i that read it), o_i the part fixed for the step: c_i, or h_i Q_i^h + c_i for
 * ddtp-rec (Q_i^h the rows that read h_i; {@code [z, h] Q = z Q^u + h Q^h} with both blocks views of the one
 * parameter). {@link #clean} computes z(a_L), o_i and g_i at a_L once per forward pass; the targets and the
 * difference reconstruction loss both reuse them.
 */
public final class RandomHiddenFeedback {
    private final int layers;
    private final boolean recurrent;
    private final INDArray fixedWeight;
    private final INDArray fixedBias;
    private final TrainedMap[] maps;
    private final List<Parameter> all = new ArrayList<>();

    /** One trained map: its parameters and the row blocks of Q (and of Q's gradient) described above. */
    private static final class TrainedMap {
        final AffineFeedback params;
        final boolean readsZ;
        final INDArray qOut;
        final INDArray qOutGrad;
        final INDArray qOwn;
        final INDArray qOwnGrad;
        final INDArray cGrad;

        TrainedMap(AffineFeedback params, boolean readsZ, int outRows) {
            this.params = params;
            this.readsZ = readsZ;
            INDArray q = params.q();
            INDArray qGrad = params.parameters().get(0).gradient();
            this.cGrad = params.parameters().get(1).gradient();
            if (q.rows() == outRows) {
                qOut = q;
                qOutGrad = qGrad;
                qOwn = null;
                qOwnGrad = null;
            } else {
                qOut = rows(q, 0, outRows);
                qOutGrad = rows(qGrad, 0, outRows);
                qOwn = rows(q, outRows, q.rows());
                qOwnGrad = rows(qGrad, outRows, q.rows());
            }
        }

        private static INDArray rows(INDArray a, long from, long to) {
            return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
        }
    }

    /**
     * Draws R, then r, then Q_1 … Q_{L-1} from {@code rng}, in that order.
     *
     * @param widths    n_0 … n_L of the forward network
     * @param sizeFb    n_fb, the width of z
     * @param recurrent ddtp-rec: the maps of layers i ≤ L−2 also read h_i
     */
    public RandomHiddenFeedback(int[] widths, int sizeFb, boolean recurrent, DataType dtype, Random rng) {
        this.layers = widths.length - 1;
        this.recurrent = recurrent;
        int nOut = widths[layers];
        double bound = 1.0 / Math.sqrt(nOut);
        this.fixedWeight = Nd4j.rand(Nd4j.createUninitialized(dtype, nOut, sizeFb), -bound, bound, rng);
        this.fixedBias = Nd4j.rand(Nd4j.createUninitialized(dtype, 1, sizeFb), -bound, bound, rng);
        this.maps = new TrainedMap[layers];
        for (int i = 1; i < layers; i++) {
            boolean readsZ = i <= layers - 2;
            int outRows = readsZ ? sizeFb : nOut;
            int in = readsZ && recurrent ? sizeFb + widths[i] : outRows;
            AffineFeedback f = new AffineFeedback("Q" + i, in, widths[i], true, true, dtype, rng);
            maps[i] = new TrainedMap(f, readsZ, outRows);
            all.addAll(f.parameters());
        }
    }

    /** True for ddtp-rec's maps that also read the layer's own activation. */
    public boolean recurrent() {
        return recurrent;
    }

    /** R, n_L × n_fb (fixed). */
    public INDArray fixedWeight() {
        return fixedWeight;
    }

    /** r, 1 × n_fb (fixed). */
    public INDArray fixedBias() {
        return fixedBias;
    }

    /** The trained map of hidden layer i (Q_i, c_i). */
    public AffineFeedback map(int i) {
        return maps[i].params;
    }

    /** Trained feedback parameters, Q_i then c_i, layer by layer; R and r are not among them. */
    public List<Parameter> parameters() {
        return List.copyOf(all);
    }

    /** z(a) = tanh(a R + r), a new B × n_fb array. */
    public INDArray z(INDArray a) {
        INDArray pre = MatMul.times(a, fixedWeight);
        pre.addiRowVector(fixedBias);
        return FastTanh.tanhInPlace(pre);
    }

    private boolean anyReadsZ() {
        return layers >= 3;
    }

    /**
     * What one forward pass's targets and DRL share: z(a_L) (null when no layer reads z), o_i and
     * g_i(a_L) for every hidden layer.
     */
    public final class CleanState {
        private final ForwardPass pass;
        private final INDArray z;
        private final INDArray[] offset;
        private final INDArray[] g;

        private CleanState(ForwardPass pass) {
            this.pass = pass;
            this.z = anyReadsZ() ? z(pass.logits()) : null;
            this.offset = new INDArray[layers];
            this.g = new INDArray[layers];
            for (int i = 1; i < layers; i++) {
                TrainedMap m = maps[i];
                if (m.qOwn != null) {
                    offset[i] = MatMul.times(pass.h(i), m.qOwn).addiRowVector(m.params.c());
                } else {
                    offset[i] = m.params.c();
                }
                g[i] = apply(i, input(i, pass.logits(), z));
            }
        }

        /** The forward pass this state belongs to. */
        public ForwardPass pass() {
            return pass;
        }

        /** g_i at the clean output (z(a_L), or a_L for layer L−1; with the clean h_i for ddtp-rec). */
        public INDArray g(int i) {
            return g[i];
        }

        /** The input of map i at output a, given z(a) (null where no layer reads z). */
        private INDArray input(int i, INDArray a, INDArray zOfA) {
            return maps[i].readsZ ? zOfA : a;
        }

        /** g_i(u) = tanh(u Q_i^u + o_i), a new array. */
        private INDArray apply(int i, INDArray u) {
            INDArray pre = MatMul.times(u, maps[i].qOut);
            if (offset[i].rows() == 1) {
                pre.addiRowVector(offset[i]);
            } else {
                pre.addi(offset[i]);
            }
            return FastTanh.tanhInPlace(pre);
        }

        /**
         * The displacements h_i − τ_i of hidden layers 1..L−1 (index i; new arrays) for the output target τ_L:
         * τ_i = g_i(z(τ_L)) + h_i − g_i(z(a_L)), so h_i − τ_i = g_i(z(a_L)) − g_i(z(τ_L)) (no z for L−1).
         */
        public INDArray[] displacements(INDArray outputTarget) {
            INDArray zTarget = anyReadsZ() ? z(outputTarget) : null;
            INDArray[] d = new INDArray[layers];
            for (int i = 1; i < layers; i++) {
                d[i] = apply(i, input(i, outputTarget, zTarget)).rsubi(g[i]);
            }
            return d;
        }

        /**
         * The DRL reconstruction of layer i: ĥ_i = g_i(z(ã_L)) + h_i − g_i(z(a_L)), so
         * r = ĥ_i − h̃_i = g_i(z(ã_L)) − g_i(z(a_L)) − σε. Its backward step writes ∂ℓ/∂(Q_i, c_i) through both
         * applications of g_i (for ddtp-rec h_i's rows get h_iᵀ(δ̃ + δ), the clean h_i feeding both).
         */
        public DifferenceReconstruction.Reconstruction reconstruction(int i) {
            return (outTilde, noise) -> {
                INDArray u = maps[i].readsZ ? z(outTilde) : outTilde;
                INDArray gTilde = apply(i, u);
                INDArray r = gTilde.sub(g[i]).subi(noise);
                return new DifferenceReconstruction.Residual(r, f -> backward(i, u, gTilde, r, f));
            };
        }

        /** ∂ℓ/∂r = f·r; δ̃ = ∂ℓ/∂r ⊙ (1 − g̃²) into g̃'s pre-activation, −∂ℓ/∂r ⊙ (1 − g²) into g's. */
        private void backward(int i, INDArray u, INDArray gTilde, INDArray r, double f) {
            TrainedMap m = maps[i];
            INDArray gradR = r.muli(f);
            INDArray deltaTilde = gTilde.muli(gTilde).rsubi(1.0).muli(gradR);
            INDArray minusDeltaClean = g[i].mul(g[i]).rsubi(1.0).muli(gradR);
            INDArray uClean = m.readsZ ? z : pass.logits();
            Nd4j.gemm(u, deltaTilde, m.qOutGrad, true, false, 1.0, 0.0);
            Nd4j.gemm(uClean, minusDeltaClean, m.qOutGrad, true, false, -1.0, 1.0);
            INDArray deltaOffset = deltaTilde.subi(minusDeltaClean);
            m.cGrad.assign(deltaOffset.sum(true, 0));
            if (m.qOwnGrad != null) {
                Nd4j.gemm(pass.h(i), deltaOffset, m.qOwnGrad, true, false, 1.0, 0.0);
            }
        }
    }

    /** Computes the shared state of {@code pass} with the current feedback weights. */
    public CleanState clean(ForwardPass pass) {
        return new CleanState(pass);
    }
}
