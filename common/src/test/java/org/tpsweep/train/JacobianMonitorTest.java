package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.Split;
import org.tpsweep.metrics.JacobianConditions;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.rules.LearningRule;

/**
 * The per-epoch Jacobian conditions (option {@code jacobians}, ALGORITHMS.md §4) against an independent computation
 * in this test: plain-Java forward passes from the network's weights, both Jacobians by central finite differences
 * at sample 0 of every evaluation minibatch, M's eigenvalues from Commons Math. Mistakes and the checks that catch
 * them: epoch 0 missing or taken after training, a wrong epoch's weights — the per-epoch comparison; sample 0 of
 * the wrong set or of the wrong minibatch, a mean over samples instead of minibatches — the per-minibatch mean and
 * std of a 10-sample set in minibatches of 4; J_g at h_i instead of u = f_i(h), M = J_g J_f, a BN of the wrong kind
 * (batch vs per-sample vs frozen) — the BN modes of fw-dtp-bn with a linear-BN output.
 */
class JacobianMonitorTest {
    private static final double EPS = 1e-12;
    private static final double STEP = 1e-6;

    private enum Bn { NONE, QUIRK, FROZEN }

    /** (a) fw-dtp 5-6-6-4, float64, [F]'s conventions, one epoch: rows for epochs 0 and 1, layers 2 and 3, exact. */
    @Test
    void fwDtpConditionsEqualFiniteDifferencesAtEveryEpochAndLayer() {
        LabeledData train = ToyData.random(12, 5, 4, 1);
        LabeledData validation = ToyData.random(10, 5, 4, 2);
        RunConfig c = config(Methods.FW_DTP, Map.of());
        Trainer trainer = new Trainer(c, new Split(train, validation), ToyData.random(10, 5, 4, 3), TrainerHooks.none());
        double[][][] w0 = weights(trainer.rule());
        TrainResult r = trainer.train(EpochListener.NONE);

        assertEquals(RunStatus.OK, r.status(), r.message());
        assertEquals(List.of("0:2", "0:3", "1:2", "1:3"), r.jacobians().stream()
                .map(s -> s.epoch() + ":" + s.layer()).toList(), "epochs 0..E × layers 2..L");
        double[][][] q = feedback(trainer.rule());
        double[][][] w1 = weights(trainer.rule());
        assertTrue(Math.abs(w1[3][0][0] - w0[3][0][0]) > 1e-6, "the forward weights trained");
        for (JacobianStats s : r.jacobians()) {
            check(s, s.epoch() == 0 ? w0 : w1, q, validation, 4, Bn.NONE, false, true);
        }
        assertTrue(Math.abs(r.jacobians().get(1).traceMean() - r.jacobians().get(3).traceMean()) > 1e-9,
                "epoch 0 is measured before training: " + r.jacobians());
    }

    /** (b) fw-dtp-bn with [F]'s per-sample quirk, without a validation set (the test set is evaluated). */
    @Test
    void fwDtpBnPerSampleQuirkEqualsFiniteDifferencesOnTheTestSet() {
        bnModeEqualsFiniteDifferences(Methods.PER_SAMPLE_QUIRK, Bn.QUIRK);
    }

    /** (b') fw-dtp-bn with the evaluation minibatch's BN statistics held fixed. */
    @Test
    void fwDtpBnFrozenBatchStatsEqualFiniteDifferences() {
        bnModeEqualsFiniteDifferences(Methods.FROZEN_BATCH_STATS, Bn.FROZEN);
    }

    private static void bnModeEqualsFiniteDifferences(String mode, Bn bn) {
        LabeledData train = ToyData.random(12, 5, 4, 4);
        LabeledData test = ToyData.random(10, 5, 4, 5);
        RunConfig c = config(Methods.FW_DTP_BN, Map.of(Methods.JACOBIAN_BN_MODE, mode, Methods.NO_VAL_SET, true,
                Methods.LAST_ACTIVATION, Methods.LINEAR_BN));
        Trainer trainer = new Trainer(c, new Split(train, train.select(new int[0])), test, TrainerHooks.none());
        double[][][] w0 = weights(trainer.rule());
        TrainResult r = trainer.train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status(), r.message());
        assertEquals(4, r.jacobians().size());
        double[][][] q = feedback(trainer.rule());
        for (JacobianStats s : r.jacobians()) {
            // The quirk's standardisation leaves M with roundoff-zero eigenvalues (JacobianConditionsTest), whose
            // signs roundoff decides: its share is checked to 2/n_i per minibatch, the frozen form's exactly.
            check(s, s.epoch() == 0 ? w0 : weights(trainer.rule()), q, test, 4, bn, true, bn == Bn.FROZEN);
        }
    }

    /** (d) The option on a method without layer-wise feedback, and the BN mode on one without BN, are refused. */
    @Test
    void jacobiansOnAMethodWithoutLayerwiseFeedbackIsRefusedNamingThoseWithIt() {
        for (String method : List.of(Methods.BP, Methods.DDTP_LINEAR, Methods.DFA, Methods.FA)) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RunConfig.of(method, "mnist", 1, Map.of(Methods.JACOBIANS, true)));
            assertTrue(e.getMessage().contains("jacobians needs layer-wise feedback") && e.getMessage().contains(method)
                    && e.getMessage().contains("dtp") && e.getMessage().contains("fw-dtp-bn")
                    && e.getMessage().contains("tp"), e.getMessage());
        }
        ConfigException mode = assertThrows(ConfigException.class, () -> RunConfig.of(Methods.FW_DTP, "mnist", 1,
                Map.of(Methods.JACOBIAN_BN_MODE, Methods.FROZEN_BATCH_STATS)));
        assertTrue(mode.getMessage().contains("jacobian_bn_mode on [fw-dtp-bn, dtp-bn]"), mode.getMessage());
        ConfigException badMode = assertThrows(ConfigException.class, () -> RunConfig.of(Methods.FW_DTP_BN, "mnist",
                1, Map.of(Methods.JACOBIAN_BN_MODE, "batch")));
        assertTrue(badMode.getMessage().contains("per-sample-quirk"), badMode.getMessage());
        for (String method : List.of(Methods.DTP, Methods.DTP_PRETRAINED, Methods.DTP_DRL, Methods.TP, Methods.FW_DTP,
                Methods.FW_DTP_BN)) {
            assertEquals(false, RunConfig.of(method, "mnist", 1, Map.of()).getBoolean(Methods.JACOBIANS), method);
        }
    }

    /**
     * Every method with the option, trained one epoch (biases b_i and c_i under [M]'s conventions, learned feedback):
     * M from the monitor equals the product of the finite-difference Jacobians of the rule's own layer f_i and map
     * g_i at sample 0 of the first evaluation minibatch, and the trainer reports all layers for epochs 0 and 1.
     */
    @Test
    void everyMethodWithTheOptionMeasuresItsOwnMaps() {
        List<String> methods = Methods.withKey(Methods.JACOBIANS);
        assertTrue(methods.containsAll(List.of(Methods.DTP, Methods.DTP_PRETRAINED, Methods.DTP_DRL, Methods.TP,
                Methods.FW_DTP, Methods.FW_DTP_BN)), methods.toString());
        LabeledData train = ToyData.random(12, 5, 4, 8);
        LabeledData validation = ToyData.random(10, 5, 4, 9);
        for (String method : methods) {
            if (method.equals(Methods.FW_DTP_BN) || method.equals(Methods.DTP_BN)) {
                continue;                                   // BN: the maps of one sample are not net.layer's
            }
            Map<String, Object> given = new HashMap<>(Map.of(Methods.PRECISION, "float64", Methods.NUM_HIDDEN, 2,
                    Methods.SIZE_HIDDEN, 6, Methods.BATCH_SIZE, 4, Methods.EPOCHS, 1, Methods.JACOBIANS, true));
            if (RunConfig.of(method, "mnist", 1, Map.of()).has(Methods.EPOCHS_FB)) {
                given.put(Methods.EPOCHS_FB, 1);
            }
            RunConfig c = RunConfig.of(method, "mnist", 11, given);
            Trainer trainer = new Trainer(c, new Split(train, validation), validation, TrainerHooks.none());
            TrainResult r = trainer.train(EpochListener.NONE);
            assertEquals(RunStatus.OK, r.status(), method + ": " + r.message());
            assertEquals(4, r.jacobians().size(), method);
            var net = trainer.rule().network();
            var feedback = JacobianMonitor.layerwiseFeedback(trainer.rule());
            JacobianMonitor monitor = new JacobianMonitor(net, feedback, false, validation, DataType.DOUBLE, 4);
            var pass = net.forward(validation.batch(new int[] {0, 1, 2, 3}, 0, 4, DataType.DOUBLE).x());
            for (int i = 2; i <= 3; i++) {
                int layer = i;
                double[] h = pass.h(i - 1).getRow(0).toDoubleVector();
                UnaryOperator<double[]> f = v -> net.layer(layer, Nd4j.createFromArray(new double[][] {v}))
                        .toDoubleVector();
                UnaryOperator<double[]> g = v -> feedback.map(layer).apply(Nd4j.createFromArray(new double[][] {v}))
                        .toDoubleVector();
                double[][] expected = multiply(finiteDifferences(f, h), finiteDifferences(g, f.apply(h)));
                double[][] actual = monitor.product(pass, i).toDoubleMatrix();
                double scale = Nd4j.createFromArray(expected).norm2Number().doubleValue();
                for (int a = 0; a < expected.length; a++) {
                    for (int b = 0; b < expected.length; b++) {
                        assertEquals(expected[a][b], actual[a][b], 1e-7 * Math.max(1, scale), method + " M_" + i);
                    }
                }
            }
            if (org.tpsweep.rules.LearningRules.biases(c)) {
                assertTrue(feedback.map(2).c() != null && net.bias(2) != null, method + " has biases");
            }
        }
    }

    /** Off by default: no rows. */
    @Test
    void noRowsWithoutTheOption() {
        LabeledData data = ToyData.random(12, 5, 4, 6);
        Map<String, Object> off = new HashMap<>(Map.of(Methods.JACOBIANS, false));
        Trainer trainer = new Trainer(config(Methods.FW_DTP, off), new Split(data, ToyData.random(6, 5, 4, 7)), data,
                TrainerHooks.none());
        assertEquals(List.of(), trainer.train(EpochListener.NONE).jacobians());
    }

    private static RunConfig config(String method, Map<String, Object> extra) {
        Map<String, Object> given = new HashMap<>(Map.of(Methods.PRECISION, "float64", Methods.NUM_HIDDEN, 2,
                Methods.SIZE_HIDDEN, 6, Methods.BATCH_SIZE, 4, "eval_batch_size", 4, Methods.EPOCHS, 1,
                Methods.FEEDBACK_SCALE, 0.5, Methods.JACOBIANS, true, Methods.LR, 0.5));
        given.putAll(extra);
        return RunConfig.of(method, "mnist", 3, given);
    }

    /** The row {@code s} against this test's computation from weights {@code w}, feedback {@code q}. */
    private static void check(JacobianStats s, double[][][] w, double[][][] q, LabeledData set, int evalBatch, Bn bn,
                              boolean linearBnOutput, boolean exactShare) {
        int batches = (set.n() + evalBatch - 1) / evalBatch;
        assertEquals(batches, s.n());
        double[] traces = new double[batches];
        double[] shares = new double[batches];
        double scale = 0;
        int width = w[s.layer()][0].length;
        for (int b = 0; b < batches; b++) {
            double[][] x = rows(set, b * evalBatch, Math.min(set.n(), (b + 1) * evalBatch));
            double[][] m = product(x, w, q, s.layer(), bn, linearBnOutput);
            JacobianConditions.Values v = JacobianConditions.ofMatrix(Nd4j.createFromArray(m));
            traces[b] = v.trace();
            shares[b] = v.positiveShare();
            scale = Math.max(scale, Nd4j.createFromArray(m).norm2Number().doubleValue());
            if (exactShare) {
                for (double re : JacobianConditions.eigenvalues(Nd4j.createFromArray(m)).real()) {
                    assertTrue(Math.abs(re) > 1e-6 * scale, "precondition: no eigenvalue near 0 in " + s);
                }
            }
        }
        String what = s + " vs finite differences";
        assertEquals(mean(traces), s.traceMean(), 1e-7 * Math.max(1, scale), what);
        assertEquals(std(traces), s.traceStd(), 1e-7 * Math.max(1, scale), what);
        assertEquals(mean(shares), s.positiveShareMean(), exactShare ? 1e-12 : 2.0 / width + 1e-12, what);
        if (exactShare) {
            assertEquals(std(shares), s.positiveShareStd(), 1e-12, what);
        }
    }

    /** M = J_f J_g of layer i at sample 0 of minibatch x, both Jacobians by central finite differences. */
    private static double[][] product(double[][] x, double[][][] w, double[][][] q, int layer, Bn bn,
                                      boolean linearBnOutput) {
        int last = w.length - 1;
        double[][] h = x;
        for (int i = 1; i < layer; i++) {
            h = bn == Bn.NONE ? act(h, w[i], true) : batchNorm(act(h, w[i], true));
        }
        boolean hidden = layer < last;
        boolean layerBn = bn != Bn.NONE && (hidden || linearBnOutput);
        double[][] t = act(h, w[layer], hidden);                              // the batch before the layer's BN
        double[][] hOut = layerBn ? batchNorm(t) : t;
        double[][] gBatch = act(hOut, q[layer], true);                       // tanh(h_i Q_i) over the batch
        UnaryOperator<double[]> f = v -> {
            double[] a = act(new double[][] {v}, w[layer], hidden)[0];
            if (!layerBn) {
                return a;
            }
            return bn == Bn.QUIRK ? perSample(a) : frozen(a, t);
        };
        UnaryOperator<double[]> g = v -> {
            double[] a = act(new double[][] {v}, q[layer], true)[0];
            if (bn == Bn.NONE) {
                return a;
            }
            return bn == Bn.QUIRK ? perSample(a) : frozen(a, gBatch);
        };
        double[] h0 = h[0];
        double[] u = f.apply(h0);
        return multiply(finiteDifferences(f, h0), finiteDifferences(g, u));
    }

    /** x W (tanh'd where {@code tanh}), one sample per row; W stored input-major (in × out). */
    private static double[][] act(double[][] x, double[][] w, boolean tanh) {
        double[][] out = new double[x.length][w[0].length];
        for (int b = 0; b < x.length; b++) {
            for (int j = 0; j < w[0].length; j++) {
                double a = 0;
                for (int k = 0; k < w.length; k++) {
                    a += x[b][k] * w[k][j];
                }
                out[b][j] = tanh ? Math.tanh(a) : a;
            }
        }
        return out;
    }

    /** [F]'s BN over the batch: per column, (x − mean)/(unbiased std + 1e-12). */
    private static double[][] batchNorm(double[][] x) {
        double[][] out = new double[x.length][x[0].length];
        for (int j = 0; j < x[0].length; j++) {
            double[] column = new double[x.length];
            for (int b = 0; b < x.length; b++) {
                column[b] = x[b][j];
            }
            double[] y = perSample(column);
            for (int b = 0; b < x.length; b++) {
                out[b][j] = y[b];
            }
        }
        return out;
    }

    /** The same formula across the entries of one vector (the per-sample quirk). */
    private static double[] perSample(double[] v) {
        double mean = mean(v);
        double ss = 0;
        for (double a : v) {
            ss += (a - mean) * (a - mean);
        }
        double s = Math.sqrt(ss / (v.length - 1));
        double[] y = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            y[k] = (v[k] - mean) / (s + EPS);
        }
        return y;
    }

    /** v standardised with the column means and unbiased stds of {@code batch}, held fixed. */
    private static double[] frozen(double[] v, double[][] batch) {
        double[] y = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            double[] column = new double[batch.length];
            for (int b = 0; b < batch.length; b++) {
                column[b] = batch[b][j];
            }
            double mean = mean(column);
            double ss = 0;
            for (double a : column) {
                ss += (a - mean) * (a - mean);
            }
            y[j] = (v[j] - mean) / (Math.sqrt(ss / (column.length - 1)) + EPS);
        }
        return y;
    }

    /** ∂f/∂x by central differences: rows = outputs, columns = inputs. */
    private static double[][] finiteDifferences(UnaryOperator<double[]> f, double[] x) {
        int outputs = f.apply(x).length;
        double[][] j = new double[outputs][x.length];
        for (int c = 0; c < x.length; c++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[c] += STEP;
            minus[c] -= STEP;
            double[] fp = f.apply(plus);
            double[] fm = f.apply(minus);
            for (int r = 0; r < outputs; r++) {
                j[r][c] = (fp[r] - fm[r]) / (2 * STEP);
            }
        }
        return j;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int r = 0; r < a.length; r++) {
            for (int k = 0; k < b.length; k++) {
                for (int col = 0; col < b[0].length; col++) {
                    c[r][col] += a[r][k] * b[k][col];
                }
            }
        }
        return c;
    }

    /** W_1 … W_L (index i; input-major) of the rule's network now, as plain arrays. */
    private static double[][][] weights(LearningRule rule) {
        int layers = rule.network().numLayers();
        double[][][] w = new double[layers + 1][][];
        for (int i = 1; i <= layers; i++) {
            w[i] = rule.network().weight(i).castTo(DataType.DOUBLE).toDoubleMatrix();
        }
        return w;
    }

    /** Q_2 … Q_L (index i; n_i × n_{i-1}) of the fixed feedback, as plain arrays. */
    private static double[][][] feedback(LearningRule rule) {
        int layers = rule.network().numLayers();
        double[][][] q = new double[layers + 1][][];
        for (int i = 2; i <= layers; i++) {
            q[i] = rule.fixedFeedback().get("Q" + i).castTo(DataType.DOUBLE).toDoubleMatrix();
        }
        return q;
    }

    private static double[][] rows(LabeledData set, int from, int to) {
        double[][] x = new double[to - from][set.dim()];
        for (int b = from; b < to; b++) {
            for (int k = 0; k < set.dim(); k++) {
                x[b - from][k] = set.x()[b * set.dim() + k];
            }
        }
        return x;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double a : v) {
            s += (a - m) * (a - m);
        }
        return Math.sqrt(s / v.length);
    }
}
