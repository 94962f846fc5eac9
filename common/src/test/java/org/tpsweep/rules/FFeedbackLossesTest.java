package org.tpsweep.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.metrics.Angles;
import org.tpsweep.metrics.JacobianConditions;
import org.tpsweep.nn.DenseNetwork;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.nn.RecordedNoise;
import org.tpsweep.optim.Sgd;

/**
 * [F]'s feedback objectives (ALGORITHMS.md §3b, §6 check 7's [F] items): [F]-DRL (dtp-drl's options) is zero at
 * zero feedback while [M]'s DRL is not; L-DRL's gradient is that of its loss (finite differences, r constant in
 * [F]'s form, differentiated in [E]'s); L-DRL drives J_g towards J_fᵀ.
 */
class FFeedbackLossesTest {

    private static final INDArray X = Nd4j.createFromArray(new double[][] {
            {0.1, -0.5, 0.9, 0.3, -0.2}, {-0.7, 0.2, 0.4, -0.1, 0.6}, {0.3, 0.8, -0.6, 0.5, 0.0},
            {0.9, -0.3, 0.1, -0.8, 0.4}, {-0.2, -0.9, 0.7, 0.2, -0.5}, {0.5, 0.1, -0.4, 0.6, 0.8}});

    private static LearningRule rule(String method, Map<String, Object> extra) {
        Map<String, Object> g = new java.util.HashMap<>(Map.of(Methods.PRECISION, "float64", Methods.NUM_HIDDEN, 2,
                Methods.SIZE_HIDDEN, 6, Methods.SIGMA, 0.1));
        g.putAll(extra);
        RunConfig c = RunConfig.of(method, "mnist", 1, g);
        List<INDArray> noise = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            noise.add(Nd4j.randn(DataType.DOUBLE, 6, 6));
        }
        return LearningRules.create(c, 5, 4, Nd4j.getRandomFactory().getNewRandomInstance(2L),
                new RecordedNoise("test", noise));
    }

    @Test
    void fDrlIsZeroAtZeroFeedbackWhileTheDrlOfMeulemansIsNot() {
        Map<String, Object> fDrl = Map.of(Conventions.KEY, "f", Methods.DRL_TARGET, "clean",
                Methods.DIFF_TERM_GRAD, false, Methods.INV_SIGMA2_SCALE, false);
        LearningRule f = rule(Methods.DTP_DRL, fDrl);
        LearningRule m = rule(Methods.DTP_DRL, Map.of());
        for (LearningRule r : List.of(f, m)) {
            r.feedbackParameters().forEach(p -> p.value().assign(0));
        }
        double lf = f.computeFeedbackGradients(f.network().forward(X));
        double lm = m.computeFeedbackGradients(m.network().forward(X));
        assertEquals(0.0, lf, 0.0, "[F]-DRL: ĥ − h = g(t) − g(h) = 0 when g ≡ 0");
        assertTrue(lm > 0.5, "[M]'s DRL compares with h̃ and divides by σ²: about one per layer, got " + lm);
        f.feedbackParameters().forEach(p -> assertEquals(0.0, p.gradient().amaxNumber().doubleValue(), 0.0,
                p.name() + ": zero feedback is a stationary point of [F]-DRL"));
    }

    @Test
    void lDrlGradientIsTheGradientOfItsLossInBothForms() {
        for (boolean eForm : new boolean[] {false, true}) {
            LearningRule base = rule(Methods.L_DRL_F, Map.of(Methods.PRECISION, "float64"));
            LDrlRule ldrl = (LDrlRule) base;
            DenseNetwork net = base.network();
            LayerwiseFeedback fb = ldrl.feedback();
            double[] sigmas = new double[net.numLayers() + 1];
            java.util.Arrays.fill(sigmas, 2, sigmas.length, 0.1);       // unused: the test passes dx and dy
            LDrlRule rule = new LDrlRule(net, fb, OutputTarget.mean(0.1), sigmas, eForm ? 1.0 : 0.5, eForm, true,
                    new RecordedNoise("unused", List.of()));
            ForwardPass pass = net.forward(X);
            int i = 2;
            INDArray dx = Nd4j.randn(DataType.DOUBLE, 6, 6).muli(0.1);
            INDArray dy = Nd4j.randn(DataType.DOUBLE, 6, 6).muli(0.1);
            INDArray q = fb.map(i).q();
            INDArray rConstant = fb.map(i).apply(pass.h(i));
            double loss = rule.layerLoss(pass, i, dx, dy);
            INDArray grad = fb.map(i).parameters().get(0).gradient().dup();
            Function<INDArray, Double> f = qq -> {
                INDArray saved = q.dup();
                q.assign(qq);
                INDArray r = eForm ? fb.map(i).apply(pass.h(i)) : rConstant;
                INDArray d1 = fb.map(i).apply(net.layer(i, pass.h(i - 1).add(dx))).sub(r);
                INDArray d2 = fb.map(i).apply(pass.h(i).add(dy)).sub(r);
                double s = eForm ? 1.0 : 0.5;
                double v = s * (-2 * dx.mul(d1).sumNumber().doubleValue() + d2.mul(d2).sumNumber().doubleValue()) / 6;
                q.assign(saved);
                return v;
            };
            assertEquals(f.apply(q.dup()), loss, 1e-12 * Math.abs(loss));
            INDArray fd = centralDifferences(q, f);
            assertEquals(0.0, grad.sub(fd).amaxNumber().doubleValue(), 1e-6 * fd.amaxNumber().doubleValue(),
                    eForm ? "[E]'s form" : "[F]'s form");
        }
    }

    /**
     * dtp-bn: the feedback gradient through BN∘tanh maps (batch statistics differentiated) is the finite-difference
     * gradient of ℓ_i = mean_b Σ_units (g_i(f_i(h̃)) − h̃)², with f_i and g_i standardised over the noisy batch.
     */
    @Test
    void dtpBnFeedbackGradientGoesThroughBn() {
        LearningRule rule = rule(Methods.DTP_BN, Map.of(Methods.PRECISION, "float64"));
        DtpRule dtp = (DtpRule) rule;
        DenseNetwork net = rule.network();
        assertTrue(net.hasBatchNorm(1) && net.hasBatchNorm(2) && !net.hasBatchNorm(3), "hidden BN, linear output");
        ForwardPass pass = net.forward(X);
        double sigma = 0.1;
        for (int i = 2; i <= 3; i++) {
            INDArray eps = Nd4j.randn(DataType.DOUBLE, 6, (int) pass.h(i - 1).columns());
            final int layer = i;
            INDArray hTilde = eps.mul(sigma).add(pass.h(i - 1));
            AffineFeedback g = dtp.feedback().map(i);
            INDArray q = g.q();
            Function<INDArray, Double> loss = qq -> {
                INDArray saved = q.dup();
                q.assign(qq);
                INDArray r = g.apply(net.layer(layer, hTilde)).sub(hTilde);
                q.assign(saved);
                return r.mul(r).sumNumber().doubleValue() / 6;
            };
            double value = dtp.layerLoss(pass, i, eps.dup());
            assertEquals(loss.apply(q.dup()), value, 1e-12 * value, "layer " + i);
            INDArray grad = g.parameters().get(0).gradient().dup();
            INDArray fd = centralDifferences(q, loss);
            assertEquals(0.0, grad.sub(fd).amaxNumber().doubleValue(), 1e-6 * fd.amaxNumber().doubleValue(),
                    "layer " + i);
        }
    }

    /** L-DRL drives J_g towards J_fᵀ ([F] Table 1): the angle between them falls when only the feedback trains. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"l-drl-f, 2.0, 0.0", "l-drl-e, 0.1, 0.9"})
    void lDrlAlignsTheFeedbackJacobianWithTheForwardJacobianTransposed(String method, double lr, double momentum) {
        Map<String, Object> g = Map.of(Methods.PRECISION, "float64", Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 6,
                Methods.SIGMA, 0.1);
        RunConfig c = RunConfig.of(method, "mnist", 1, g);
        LearningRule rule = LearningRules.create(c, 5, 4, Nd4j.getRandomFactory().getNewRandomInstance(3L),
                new org.tpsweep.nn.GaussianNoise(17L));
        DenseNetwork net = rule.network();
        LayerwiseFeedback fb = ((LDrlRule) rule).feedback();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 64, 5);
        ForwardPass pass = net.forward(x);
        double before = meanAngle(net, fb, pass);
        Sgd sgd = new Sgd(lr, momentum, rule.feedbackParameters());
        for (int step = 0; step < 400; step++) {
            rule.computeFeedbackGradients(pass);
            sgd.step();
        }
        double after = meanAngle(net, fb, pass);
        assertTrue(before > 80 && after < 0.5 * before, method + ": angle(J_g, J_fᵀ) " + before + "° → " + after
                + "°");
    }

    /** Central finite differences of {@code f} at {@code q}, element by element (h = 1e-6). */
    private static INDArray centralDifferences(INDArray q, Function<INDArray, Double> f) {
        INDArray fd = q.ulike();
        for (int k = 0; k < q.length(); k++) {
            INDArray plus = q.dup();
            INDArray minus = q.dup();
            plus.putScalar(k, q.getDouble(k) + 1e-6);
            minus.putScalar(k, q.getDouble(k) - 1e-6);
            fd.putScalar(k, (f.apply(plus) - f.apply(minus)) / 2e-6);
        }
        return fd;
    }

    /** The mean over samples and layers 2..L of the angle between vec(J_g) and vec(J_fᵀ). */
    private static double meanAngle(DenseNetwork net, LayerwiseFeedback fb, ForwardPass pass) {
        double sum = 0;
        int n = 0;
        for (int i = 2; i <= net.numLayers(); i++) {
            for (int b = 0; b < 8; b++) {
                INDArray h = pass.h(i - 1).getRow(b).reshape(1, -1);
                INDArray jf = i < net.numLayers() ? JacobianConditions.Jacobians.tanhForward(net.weight(i), h)
                        : JacobianConditions.Jacobians.linearForward(net.weight(i));
                INDArray u = net.layer(i, h);
                INDArray jg = JacobianConditions.Jacobians.tanhFeedback(fb.map(i).q(), u);
                sum += Angles.degrees(jg, jf.transpose());
                n++;
            }
        }
        return sum / n;
    }
}
