package org.tpsweep.rules;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.IterativeKeys;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.metrics.RuleDiagnostic;
import org.tpsweep.nn.Activation;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.Initializers;
import org.tpsweep.nn.NoiseSource;
import org.tpsweep.optim.Parameter;

/**
 * dtp-iterative, Bengio 2020's differential target propagation (ALGORITHMS.md §3c), one minibatch per call of
 * {@link #computeForwardGradients}: S1 the decoder step (normalised LMS, decoders change at once), S2 the
 * per-sample output target τ_L = a_L − β ∂ℓ_b/∂a_L (no 1/B), S3–S4 the refined targets ({@link IterativeTargets}),
 * S5 the normalised forward update ΔW̄_i = Σ_b κ_i,b (τ_i,b − a_i,b) h̄_{i-1,b}ᵀ / (‖h_{i-1,b}‖² + 1) from the
 * pre-update weights. The rule has no optimiser: it writes −ΔW̄_i into the gradient buffers
 * ({@link #writesUpdates()}), which the trainer applies with plain SGD of learning rate 1.
 */
public final class DtpIterativeRule extends ForwardRule {
    private final IterativeLayers maps;
    private final IterativeTargets targets;
    private final double beta;
    private final boolean mean;
    private final double decNoise;
    private final String layerWeights;
    private final int pretrainEpochs;
    private final double pretrainLr;
    private final NoiseSource noise;
    private final IterativeDiagnostics diagnostics;
    /** True when the refinement iterates eq. 27 to its end (refine eq27, eq27+34): its sweep Jacobian is I − J_f J_g. */
    private final boolean eq27Sweeps;
    /** The last minibatch's targets and layer weights (tests read them). */
    private IterativeTargets.Result lastTargets;
    private INDArray[] lastKappa;
    /** What {@link #create} warned about the configuration (empty for a rule on given maps). */
    private final List<String> warnings;

    /** A rule on given maps (tests): settings as named, no pre-training. */
    public DtpIterativeRule(IterativeLayers maps, IterativeTargets.Settings settings, double beta, boolean mean,
                            double decNoise, String layerWeights, int pretrainEpochs, double pretrainLr,
                            NoiseSource noise) {
        this(maps, settings, beta, mean, decNoise, layerWeights, pretrainEpochs, pretrainLr, noise, List.of());
    }

    private DtpIterativeRule(IterativeLayers maps, IterativeTargets.Settings settings, double beta, boolean mean,
                             double decNoise, String layerWeights, int pretrainEpochs, double pretrainLr,
                             NoiseSource noise, List<String> warnings) {
        super(maps.network());
        this.warnings = List.copyOf(warnings);
        this.maps = maps;
        this.targets = new IterativeTargets(maps, settings);
        this.beta = beta;
        this.mean = mean;
        this.decNoise = decNoise;
        this.layerWeights = layerWeights;
        this.pretrainEpochs = pretrainEpochs;
        this.pretrainLr = pretrainLr;
        this.noise = noise;
        this.diagnostics = new IterativeDiagnostics(maps.numLayers());
        this.eq27Sweeps = IterativeKeys.EQ27.equals(settings.refine()) || IterativeKeys.EQ27_34.equals(settings.refine());
    }

    /**
     * The {@link RuleFactory}: W̄ orthogonal (gain 1 for W_1, √(2/(1+s²)) for i ≥ 2 with leaky-ReLU, 1 with tanh),
     * b = 0, then Ω_i ~ N(0, 0.01²), bias columns 0, all from {@code init}; warns (stderr) for init=decoder on a
     * network with a wider lower layer and for a decoder step that can diverge.
     */
    public static DtpIterativeRule create(RunConfig c, int[] widths, DataType dtype, Random init, NoiseSource noise) {
        boolean leaky = IterativeKeys.LEAKY_RELU.equals(c.getString(IterativeKeys.ACTIVATION));
        double s = c.getDouble(IterativeKeys.LEAKY_SLOPE);
        Activation phi = leaky ? Activation.leakyRelu(s) : Activation.TANH;
        DenseNetwork net = DenseNetwork.initialized(widths, LearningRules.allBiases(widths), Initializers::orthogonal,
                dtype, init).withActivation(phi, c.getBoolean(IterativeKeys.INPUT_PHI));
        double gain = leaky ? Math.sqrt(2.0 / (1.0 + s * s)) : 1.0;
        for (int i = 2; i <= net.numLayers(); i++) {
            net.weight(i).muli(gain);
        }
        boolean mean = IterativeKeys.MEAN.equals(c.getString(IterativeKeys.REDUCTION));
        List<String> warnings = new java.util.ArrayList<>();
        for (String warning : new String[] {IterativeKeys.wideningWarning(c.getString(IterativeKeys.TARGET_INIT),
                widths), IterativeKeys.decoderStepWarning(c.getDouble(Methods.TARGET_STEPSIZE),
                c.getInt(Methods.BATCH_SIZE), mean)}) {
            if (warning != null) {
                System.err.println(warning);
                warnings.add(warning);
            }
        }
        IterativeTargets.Settings settings = new IterativeTargets.Settings(c.getString(IterativeKeys.TARGET_INIT),
                c.getString(IterativeKeys.SCHEME), c.getString(IterativeKeys.REFINE),
                c.getDouble(IterativeKeys.EPS_REL), c.getInt(IterativeKeys.T_MAX),
                c.getBoolean(IterativeKeys.DIVERGENCE_GUARD));
        return new DtpIterativeRule(IterativeLayers.drawn(net, init), settings,
                c.getDouble(Methods.TARGET_STEPSIZE), mean, c.getDouble(IterativeKeys.DEC_NOISE),
                c.getString(IterativeKeys.LAYER_WEIGHTS), c.getInt(Methods.EPOCHS_FB),
                c.getDouble(IterativeKeys.LR_DEC_PRETRAIN), noise, warnings);
    }

    /** The warnings {@link #create} found for the configuration (none for a rule built on given maps). */
    @Override
    public List<String> warnings() {
        return warnings;
    }

    /** f_i and the decoders g_i. */
    public IterativeLayers maps() {
        return maps;
    }

    /** The last minibatch's targets and per-sample counts. */
    public IterativeTargets.Result lastTargets() {
        return lastTargets;
    }

    /** The last minibatch's layer weights κ_i (B × 1 each, index i = 1..L). */
    public INDArray[] lastKappa() {
        return lastKappa;
    }

    /** The decoders Ω_i and their bias rows, i = 2..L, which the step S1 trains in place. */
    @Override
    public Map<String, INDArray> trainedState() {
        Map<String, INDArray> state = new java.util.LinkedHashMap<>();
        for (int i = 2; i <= maps.numLayers(); i++) {
            state.put("Omega" + i, maps.omega(i));
            state.put("omega_bias" + i, maps.omegaBias(i));
        }
        return state;
    }

    /** None: the decoders are trained inside the step (S1), not by a feedback optimiser. */
    @Override
    public List<Parameter> feedbackParameters() {
        return List.of();
    }

    @Override
    public boolean writesUpdates() {
        return true;
    }

    @Override
    public int ownPretrainEpochs() {
        return pretrainEpochs;
    }

    /** Decoder-only pre-training: S1 alone with η_dec = lr_dec_pretrain and mean reduction. */
    @Override
    public void ownPretrainStep(ForwardPass pass) {
        INDArray[] a = preActivations(pass);
        decoderStep(pass, a, pretrainLr, true);
    }

    @Override
    public double computeFeedbackGradients(ForwardPass pass) {
        throw new UnsupportedOperationException("dtp-iterative trains its decoders inside the step (S1)");
    }

    /** S0–S5 on this minibatch; the decoders change at once (S1), the forward weights when the update is applied. */
    @Override
    public void computeForwardGradients(ForwardPass pass, INDArray lossGradient) {
        INDArray[] a = preActivations(pass);
        decoderStep(pass, a, beta, mean);                                              // S1
        lastTargets = targets.compute(a, outputTarget(pass, a, lossGradient));        // S2–S4
        lastKappa = update(pass, a, lastTargets.tau());                                // S5
        diagnostics.add(maps, a, lastTargets, lastKappa);
    }

    /**
     * S2–S5 with the current decoders, no decoder step (S1) and no diagnostics: the targets and update this
     * minibatch would get from frozen decoders, for analysis passes.
     */
    @Override
    public void computeFrozenForwardGradients(ForwardPass pass, INDArray lossGradient) {
        INDArray[] a = preActivations(pass);
        update(pass, a, targets.compute(a, outputTarget(pass, a, lossGradient)).tau());
    }

    /**
     * The Jacobian of layer i's refinement sweep (i = 2..L) at sample {@code row} of {@code pass}, float64
     * ({@link IterationJacobians}): I − J_g J_f for eq.-35 sweeps (refine eq35 and eq27-then-35, whose last phase
     * is eq. 35; either scheme), I − J_f J_g for refine eq27 and eq27+34.
     */
    public INDArray sweepJacobian(ForwardPass pass, int row, int i) {
        INDArray aPrev = maps.preActivation(i - 1, pass.h(i - 2).getRow(row, true));
        INDArray a = maps.preActivation(i, pass.h(i - 1).getRow(row, true));
        return eq27Sweeps ? IterationJacobians.eq27(maps, i, aPrev, a) : IterationJacobians.eq35(maps, i, aPrev, a);
    }

    /** S2: τ_L = a_L − β ∂ℓ_b/∂a_L per sample, no 1/B ({@code lossGradient} carries the batch mean's 1/B). */
    private INDArray outputTarget(ForwardPass pass, INDArray[] a, INDArray lossGradient) {
        return a[net.numLayers()].sub(lossGradient.mul(beta * pass.batchSize()));
    }

    /** a_i = h_{i-1} W_i + b_i for i = 1..L (a_L = the logits). */
    INDArray[] preActivations(ForwardPass pass) {
        int layers = net.numLayers();
        INDArray[] a = new INDArray[layers + 1];
        for (int i = 1; i < layers; i++) {
            a[i] = maps.preActivation(i, pass.h(i - 1));
        }
        a[layers] = pass.logits();
        return a;
    }

    private void decoderStep(ForwardPass pass, INDArray[] a, double eta, boolean meanReduction) {
        for (int i = 2; i <= net.numLayers(); i++) {
            INDArray phiA = i < net.numLayers() ? pass.h(i) : maps.phi().apply(a[i]);
            maps.decoderStep(i, a[i - 1], phiA, eta, meanReduction, decNoise, noise);
        }
    }

    /**
     * S5: writes −ΔW̄_i for every layer, ΔW_i = h_{i-1}ᵀ (c ⊙ (τ_i − a_i)), Δb_i = Σ_b c_b (τ_i,b − a_i,b),
     * c_b = κ_i,b / (‖h_{i-1,b}‖² + 1) (/B for mean); returns κ_i (B × 1, i = 1..L).
     */
    INDArray[] update(ForwardPass pass, INDArray[] a, INDArray[] tau) {
        int layers = net.numLayers();
        INDArray[] d = new INDArray[layers + 1];
        INDArray[] sq = new INDArray[layers + 1];
        for (int i = 1; i <= layers; i++) {
            d[i] = tau[i].sub(a[i]);
            sq[i] = d[i].mul(d[i]).sum(true, 1);
        }
        INDArray[] kappa = kappa(sq, layerWeights);
        for (int i = 1; i <= layers; i++) {
            INDArray h = pass.h(i - 1);
            INDArray c = h.mul(h).sum(true, 1).addi(1.0).rdivi(mean ? 1.0 / pass.batchSize() : 1.0).muli(kappa[i]);
            INDArray e = d[i].muliColumnVector(c);
            Nd4j.gemm(h, e, grads.weight(i), true, false, -1.0, 0.0);
            if (grads.bias(i) != null) {
                grads.bias(i).assign(e.sum(true, 0).negi());
            }
        }
        return kappa;
    }

    /**
     * κ_i,b from the squared target distances sq[i] = ‖τ_i,b − a_i,b‖²: influence ‖τ_L − a_L‖²/‖τ_i − a_i‖² (0 where
     * the denominator is 0; κ_L = 1), convex κ_i / Σ_k κ_k, none 1.
     */
    static INDArray[] kappa(INDArray[] sq, String mode) {
        int layers = sq.length - 1;
        INDArray[] k = new INDArray[layers + 1];
        for (int i = 1; i <= layers; i++) {
            if (IterativeKeys.NONE.equals(mode)) {
                k[i] = sq[i].ulike().assign(1.0);
            } else {
                INDArray nonzero = sq[i].gt(0.0).castTo(sq[i].dataType());
                INDArray safe = sq[i].add(nonzero.rsub(1.0));                          // 1 where sq = 0
                k[i] = sq[layers].div(safe).muli(nonzero);
            }
        }
        if (IterativeKeys.CONVEX.equals(mode)) {
            INDArray total = k[1].dup();
            for (int i = 2; i <= layers; i++) {
                total.addi(k[i]);
            }
            INDArray nonzero = total.gt(0.0).castTo(total.dataType());
            INDArray safe = total.add(nonzero.rsub(1.0));
            for (int i = 1; i <= layers; i++) {
                k[i].divi(safe);
            }
        }
        return k;
    }

    @Override
    public List<RuleDiagnostic> flushDiagnostics(int epoch) {
        return diagnostics.flush(epoch);
    }
}
