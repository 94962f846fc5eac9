package org.tpsweep.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation that spans keys (the GNT damping list against the depth) and the list type. */
class RunConfigTest {

    @Test
    void dampingListIsParsedFromYamlListsAndStrings() {
        RunConfig a = RunConfig.of("ddtp-linear", "mnist", 1, Map.of(Methods.GNT_DAMPING, List.of(1, 1, 1, 1, 1e-4)));
        RunConfig b = RunConfig.of("ddtp-linear", "mnist", 1, Map.of(Methods.GNT_DAMPING, "1, 1, 1, 1, 0.0001"));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1e-4}, a.getDoubleList(Methods.GNT_DAMPING));
        assertEquals(a.canonical(), b.canonical());
        assertEquals(0, RunConfig.of("bp", "mnist", 1, Map.of()).getDoubleList(Methods.GNT_DAMPING).length);
    }

    @Test
    void dampingListMustHaveOneValuePerHiddenLayer() {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.of("ddtp-linear", "mnist", 1,
                Map.of(Methods.GNT_DAMPING, List.of(1, 1), Methods.NUM_HIDDEN, 3)));
        assertTrue(e.getMessage().contains("gnt_damping has 2 values") && e.getMessage().contains("3 hidden layers"),
                e.getMessage());
        ConfigException neg = assertThrows(ConfigException.class, () -> RunConfig.of("bp", "mnist", 1,
                Map.of(Methods.GNT_DAMPING, List.of(1, -1, 1, 1, 1))));
        assertTrue(neg.getMessage().contains("gnt_damping") && neg.getMessage().contains("-1"), neg.getMessage());
    }

    @Test
    void drlMethodsRejectNonPositiveSigmaAndUnknownKeys() {
        for (String m : List.of("dtp-drl", "ddtp-linear", "ddtp-rhl", "ddtp-rec")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RunConfig.of(m, "mnist", 1, Map.of(Methods.SIGMA, 0)));
            assertTrue(e.getMessage().contains("sigma = 0"), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> RunConfig.of("bp", "mnist", 1, Map.of(Methods.SIGMA, 0.1)));
        assertTrue(e.getMessage().contains("'sigma'") && e.getMessage().contains("allowed"), e.getMessage());
    }
}
