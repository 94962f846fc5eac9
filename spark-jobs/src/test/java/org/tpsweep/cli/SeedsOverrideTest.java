package org.tpsweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/** {@code run --seeds K} and the paper presets: every preset expands, and overrides make it small. */
class SeedsOverrideTest {
    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("spark-jobs") ? here.getParent() : here;
    }

    @Test
    void firstKSeedsAreKeptInOrder() {
        SweepSpec spec = SweepSpec.load(root().resolve("conf/presets/meulemans2020-mnist.yaml"));
        SweepSpec two = RunCommand.firstSeeds(spec, 2);
        assertEquals(List.of(1L, 2L), two.seeds());
        assertEquals(spec.methods(), two.methods());
        ConfigException e = assertThrows(ConfigException.class, () -> RunCommand.firstSeeds(spec, 11));
        assertTrue(e.getMessage().contains("--seeds 11") && e.getMessage().contains("1..10"), e.getMessage());
        assertThrows(ConfigException.class, () -> RunCommand.firstSeeds(spec, 0));
    }

    @Test
    void paperPresetsExpandWithEveryPublishedMethod() {
        for (String name : List.of("meulemans2020-mnist", "meulemans2020-fashion-mnist", "meulemans2020-frozen-mnist")) {
            SweepSpec spec = SweepSpec.load(root().resolve("conf/presets/" + name + ".yaml"));
            SweepPlan plan = SweepPlan.expand(RunCommand.firstSeeds(spec, 1),
                    java.util.Map.of(Methods.EPOCHS, 2, Methods.TRAIN_SUBSET, 500));
            assertEquals(spec.methods().size(), plan.trials().size(), name);
            plan.trials().forEach(t -> {
                assertEquals(2, t.getInt(Methods.EPOCHS));
                assertEquals(500, t.getInt(Methods.TRAIN_SUBSET));
            });
            assertTrue(spec.methods().size() >= 7, name);
        }
    }
}
