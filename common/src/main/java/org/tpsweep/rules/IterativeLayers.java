package org.tpsweep.rules;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.nn.Activation;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.NoiseSource;

/**
 * The layer maps of dtp-iterative (ALGORITHMS.md §3c) in pre-activation space, batch rows = samples: the
 * forward maps f_i(v) = φ(v) W_i + b_i (i ≥ 2, from a_{i-1} to a_i, the live weights of the network) and the
 * decoders g_i(v) = φ(v) Ω_i + c_i (from a_i to a_{i-1}, Ω_i ∈ R^{n_i × n_{i-1}}, c_i the bias column of Ω̄_i),
 * i = 2..L, with the decoder step S1 (normalised LMS). Weights are stored input-major like {@link DenseNetwork}.
 */
public final class IterativeLayers {
    /** Std of the initial decoder weights, N(0, 0.01²) (choice, §3c). */
    public static final double DECODER_INIT_STD = 0.01;

    private final DenseNetwork net;
    private final Activation phi;
    private final INDArray[] omega;
    private final INDArray[] omegaBias;

    /** Decoders of given weights (tests): {@code omega[i]} n_i × n_{i-1}, {@code bias[i]} 1 × n_{i-1}, i = 2..L. */
    public IterativeLayers(DenseNetwork net, INDArray[] omega, INDArray[] bias) {
        this.net = net;
        this.phi = net.hiddenActivation();
        this.omega = omega;
        this.omegaBias = bias;
    }

    /** Decoders Ω_i ~ N(0, 0.01²) drawn from {@code rng} for i = 2..L, bias columns 0. */
    public static IterativeLayers drawn(DenseNetwork net, Random rng) {
        int layers = net.numLayers();
        INDArray[] o = new INDArray[layers + 1];
        INDArray[] c = new INDArray[layers + 1];
        DataType t = net.dataType();
        for (int i = 2; i <= layers; i++) {
            o[i] = Nd4j.createUninitialized(t, net.width(i), net.width(i - 1));
            Nd4j.randn(0.0, DECODER_INIT_STD, o[i], rng);
            c[i] = Nd4j.zeros(t, 1, net.width(i - 1));
        }
        return new IterativeLayers(net, o, c);
    }

    public DenseNetwork network() {
        return net;
    }

    /** L. */
    public int numLayers() {
        return net.numLayers();
    }

    /** φ. */
    public Activation phi() {
        return phi;
    }

    /** Ω_i (live, n_i × n_{i-1}), i = 2..L. */
    public INDArray omega(int i) {
        return omega[i];
    }

    /** c_i (live, 1 × n_{i-1}), i = 2..L. */
    public INDArray omegaBias(int i) {
        return omegaBias[i];
    }

    /** a_i = h_{i-1} W_i + b_i, a new array. */
    public INDArray preActivation(int i, INDArray hPrev) {
        INDArray a = hPrev.mmul(net.weight(i));
        return net.bias(i) == null ? a : a.addiRowVector(net.bias(i));
    }

    /** b_i repeated over {@code rows} rows (rows × n_i; zeros for a layer without bias), for the sweeps. */
    public INDArray biasRows(int i, long rows) {
        INDArray z = Nd4j.zeros(net.dataType(), rows, net.width(i));
        return net.bias(i) == null ? z : z.addiRowVector(net.bias(i));
    }

    /**
     * a_i = h_{i-1} W_i + b_i with the bias given as {@link #biasRows}, written into {@code out} (rows × n_i): one
     * product accumulated onto a copy of them (a column broadcast per call costs more than the copy); returns out.
     */
    public INDArray preActivationInto(int i, INDArray hPrev, INDArray biasRows, INDArray out) {
        out.assign(biasRows);
        Nd4j.gemm(hPrev, net.weight(i), out, false, false, 1.0, 1.0);
        return out;
    }

    /** f_i(v) = φ(v) W_i + b_i for i ≥ 2, a new array. */
    public INDArray f(int i, INDArray v) {
        return preActivation(i, phi.apply(v));
    }

    /** g_i(v) = φ(v) Ω_i + c_i, a new array. */
    public INDArray g(int i, INDArray v) {
        return gOfPhi(i, phi.apply(v));
    }

    /** g_i given φ(v), a new array. */
    public INDArray gOfPhi(int i, INDArray phiV) {
        return phiV.mmul(omega[i]).addiRowVector(omegaBias[i]);
    }

    /**
     * g_i(u) − g_i(v) = (φ(u) − φ(v)) Ω_i given φ(u) and φ(v) (the bias cancels: one product instead of two), a new
     * array.
     */
    public INDArray gDifference(int i, INDArray phiU, INDArray phiV) {
        return gDifferenceInto(i, phiU, phiV, phiU.ulike(), Nd4j.createUninitialized(phiU.dataType(), phiU.rows(),
                omega[i].columns()));
    }

    /**
     * {@link #gDifference} written into {@code out} (rows × n_{i-1}), with φ(u) − φ(v) in {@code scratch} (the shape
     * of φ(u), not φ(u) or φ(v) themselves); returns out.
     */
    public INDArray gDifferenceInto(int i, INDArray phiU, INDArray phiV, INDArray scratch, INDArray out) {
        return decoderProductInto(i, phiU.sub(phiV, scratch), out);
    }

    /** d Ω_i written into {@code out} (rows × n_{i-1}) for d = φ(u) − φ(v) (rows × n_i); returns out. */
    public INDArray decoderProductInto(int i, INDArray d, INDArray out) {
        Nd4j.gemm(d, omega[i], out, false, false, 1.0, 0.0);
        return out;
    }

    /**
     * S1 for layer i: Ω̄_i ← Ω̄_i + η Σ_b w_b (t_b − g_i(v_b)) [φ(v_b); 1]ᵀ / (‖φ(v_b)‖² + 1), w_b = 1 (sum) or 1/B
     * (mean), on pairs (t_b, v_b) = (a_{i-1,b}, a_i,b) or, with {@code noiseScale} &gt; 0, (ã_b, f_i(ã_b)) with
     * ã = a_{i-1} + σ_dec ε, σ_dec = noiseScale × the per-unit RMS of a_{i-1} over the minibatch.
     *
     * @param aPrev    a_{i-1}, B × n_{i-1}
     * @param phiA     φ(a_i) of the clean pair (used when noiseScale = 0), B × n_i
     * @return the mean over samples of the squared reconstruction residual ‖t_b − g_i(v_b)‖² before the step
     */
    public double decoderStep(int i, INDArray aPrev, INDArray phiA, double eta, boolean mean, double noiseScale,
                              NoiseSource noise) {
        INDArray t = aPrev;
        INDArray v = phiA;
        if (noiseScale > 0) {
            INDArray rms = org.nd4j.linalg.ops.transforms.Transforms.sqrt(aPrev.mul(aPrev).mean(true, 0), false).muli(noiseScale);
            INDArray eps = noise.fill(aPrev.ulike());
            t = eps.muliRowVector(rms).addi(aPrev);
            v = phi.applyInPlace(f(i, t));
        }
        INDArray r = t.sub(gOfPhi(i, v));                                   // B × n_{i-1}
        double residual = r.mul(r).sum(1).meanNumber().doubleValue();
        INDArray w = v.mul(v).sum(true, 1).addi(1.0).rdivi(eta * (mean ? 1.0 / v.rows() : 1.0));
        r.muliColumnVector(w);
        Nd4j.gemm(v, r, omega[i], true, false, 1.0, 1.0);
        omegaBias[i].addi(r.sum(true, 0));
        return residual;
    }
}
