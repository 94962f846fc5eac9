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
    void aTrainSubsetLargerThanTheTrainingSplitIsRefusedNamingItsSize() {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.of("bp", "mnist", 1,
                java.util.Map.of("train_subset", 55001)));
        assertTrue(e.getMessage().contains("train_subset = 55001 but the mnist training split has 55000 samples "
                + "(60000 in its training file, 5000 held out for validation); allowed: 0 (all) to 55000"), e.getMessage());
        assertEquals(55000, RunConfig.of("bp", "mnist", 1, java.util.Map.of("train_subset", 55000))
                .getInt("train_subset"));
        assertEquals(60000, RunConfig.of("bp", "fashion-mnist", 1, java.util.Map.of("train_subset", 60000,
                "no_val_set", true)).getInt("train_subset"), "without a validation split the whole file trains");
        ConfigException cifar = assertThrows(ConfigException.class, () -> RunConfig.of("bp", "cifar10", 1,
                java.util.Map.of("train_subset", 50000)));
        assertTrue(cifar.getMessage().contains("allowed: 0 (all) to 45000"), cifar.getMessage());
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
