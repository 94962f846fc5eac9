package org.tpsweep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** dtp-iterative's keys: the §3c defaults, the literal variant's, and bad input refused with one line. */
class IterativeKeysTest {

    private static String refused(String method, Map<String, Object> given) {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.of(method, "mnist", 1, given));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsAreSection3cs() {
        RunConfig c = RunConfig.of(Methods.DTP_ITERATIVE, "mnist", 1, Map.of());
        assertEquals(0.05, c.getDouble(Methods.TARGET_STEPSIZE));
        assertEquals("sum", c.getString(IterativeKeys.REDUCTION));
        assertEquals("leaky-relu", c.getString(IterativeKeys.ACTIVATION));
        assertEquals(0.5, c.getDouble(IterativeKeys.LEAKY_SLOPE));
        assertEquals(1e-4, c.getDouble(IterativeKeys.EPS_REL));
        assertEquals(100, c.getInt(IterativeKeys.T_MAX));
        assertEquals("difference", c.getString(IterativeKeys.TARGET_INIT));
        assertEquals("synchronous", c.getString(IterativeKeys.SCHEME));
        assertEquals("eq35", c.getString(IterativeKeys.REFINE));
        assertEquals("influence", c.getString(IterativeKeys.LAYER_WEIGHTS));
        assertEquals(1.0, c.getDouble(IterativeKeys.DEC_NOISE));
        assertEquals(false, c.getBoolean(IterativeKeys.INPUT_PHI));
        assertEquals(true, c.getBoolean(IterativeKeys.DIVERGENCE_GUARD));
        assertEquals(2, c.getInt(Methods.EPOCHS_FB));
        assertEquals("float64", c.getString(Methods.PRECISION));
        RunConfig lit = RunConfig.of(Methods.DTP_ITERATIVE_LITERAL, "mnist", 1, Map.of());
        assertEquals("decoder", lit.getString(IterativeKeys.TARGET_INIT));
        assertEquals(0.0, lit.getDouble(IterativeKeys.DEC_NOISE));
        assertEquals(true, lit.getBoolean(IterativeKeys.INPUT_PHI));
        assertEquals(0, lit.getInt(Methods.EPOCHS_FB));
        assertEquals("eq27-then-35", RunConfig.of(Methods.DTP_ITERATIVE, "mnist", 1,
                Map.of(IterativeKeys.REFINE, "eq27-then-35")).getString(IterativeKeys.REFINE));
    }

    @Test
    void badValuesAreRefusedNamingTheValueAndWhatIsAllowed() {
        String m = Methods.DTP_ITERATIVE;
        assertTrue(refused(m, Map.of(IterativeKeys.EPS_REL, 0)).contains("eps_rel = 0 is out of range"));
        assertTrue(refused(m, Map.of(IterativeKeys.EPS_REL, -1e-3)).contains("eps_rel = -0.001"));
        assertTrue(refused(m, Map.of(IterativeKeys.T_MAX, 0)).contains("t_max = 0 is out of range"));
        assertTrue(refused(m, Map.of(Methods.TARGET_STEPSIZE, 0)).contains("target_stepsize = 0 is out of range"));
        assertTrue(refused(m, Map.of(IterativeKeys.LEAKY_SLOPE, 0)).contains("leaky_slope = 0 is out of range"));
        assertTrue(refused(m, Map.of(IterativeKeys.LEAKY_SLOPE, -0.1)).contains("leaky_slope = -0.1"));
        String relu = refused(m, Map.of(IterativeKeys.ACTIVATION, "relu"));
        assertTrue(relu.contains("activation = relu is not injective") && relu.contains("allowed: leaky-relu"), relu);
        assertTrue(refused(m, Map.of(IterativeKeys.REFINE, "eq36")).contains("refine = eq36 is not allowed; "
                + "allowed: one of [eq35, eq27, eq27+34, eq27-then-35]")
                || refused(m, Map.of(IterativeKeys.REFINE, "eq36")).contains("refine = eq36 is not allowed"));
        assertTrue(refused(m, Map.of(IterativeKeys.LAYER_WEIGHTS, "uniform")).contains("layer_weights = uniform"));
        assertTrue(refused(m, Map.of(IterativeKeys.TARGET_INIT, "forward")).contains("target_init = forward"));
        assertTrue(refused(m, Map.of(IterativeKeys.REDUCTION, "max")).contains("reduction = max"));
        String combo = refused(m, Map.of(IterativeKeys.SCHEME, "sequential", IterativeKeys.REFINE, "eq27"));
        assertTrue(combo.contains("scheme = sequential with refine = eq27"), combo);
        String angles = refused(m, Map.of(Methods.ANGLE_INTERVAL, 10));
        assertTrue(angles.contains("activation = leaky-relu"), angles);
        RunConfig.of(m, "mnist", 1, Map.of(Methods.ANGLE_INTERVAL, 10, IterativeKeys.ACTIVATION, "tanh"));
    }

    @Test
    void keysOfDtpIterativeAreRefusedOnOtherMethodsAndTheirsOnIt() {
        assertTrue(refused(Methods.DTP, Map.of(IterativeKeys.EPS_REL, 1e-3)).contains("unknown hyperparameter "
                + "'eps_rel' for method dtp"));
        assertTrue(refused(Methods.BP, Map.of(IterativeKeys.LAYER_WEIGHTS, "none")).contains("'layer_weights'"));
        assertTrue(refused(Methods.DTP_ITERATIVE, Map.of(Methods.LR, 1e-3)).contains("unknown hyperparameter 'lr' "
                + "for method dtp-iterative"));
        assertTrue(refused(Methods.DTP_ITERATIVE, Map.of(Methods.SIGMA, 0.1)).contains("'sigma'"));
    }

    @Test
    void theDecoderStartWarnsOnAWiderLowerLayerOnly() {
        String w = IterativeKeys.wideningWarning("decoder", new int[] {784, 256, 256, 10});
        assertTrue(w.startsWith("warning: ") && w.contains("layer 2 (256 units) is wider than layer 3 (10)"), w);
        assertNull(IterativeKeys.wideningWarning("difference", new int[] {784, 256, 256, 10}));
        assertNull(IterativeKeys.wideningWarning("decoder", new int[] {784, 8, 8, 8}), "layer 1 has no decoder");
    }
}
