package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The examples of {@link SweepSpec}'s documentation (copied to the README) and the shipped presets expand. */
class SweepPlanExamplesTest {

    static SweepPlan plan(String yaml) {
        return SweepPlan.expand(SweepSpec.parse(yaml, "example.yaml", "example"));
    }

    @Test
    void gridExample() {
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [1, 2, 3]
                defaults: {epochs: 10}
                methods:
                  ddtp-linear:
                    lr: [1e-5, 1e-4]
                    sigma: [0.01, 0.1]
                """);
        assertEquals(12, p.trials().size());
        assertEquals(4, p.configurationCount());
    }

    @Test
    void randomSearchExample() {
        SweepPlan p = plan("""
                datasets: [mnist, fashion-mnist]
                seeds: [1, 2]
                samples: 20
                sampling_seed: 7
                methods:
                  dtp:
                    lr: log_uniform(1e-6, 1e-3)
                    sigma: uniform(0.01, 0.3)
                    batch_size: choice([64, 128])
                  ddtp-linear:
                    lr: log_uniform(1e-6, 1e-3)
                    epochs_fb: [0, 6]            # grid × random: 2 × 20 = 40 configurations
                """);
        assertEquals((20 + 40) * 2 * 2, p.trials().size());
    }

    @Test
    void sensitivityExample() {
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [1]
                methods:
                  dtp:
                    lr: 5e-5
                    sensitivity: {params: [lr, target_stepsize, lr_fb, sigma], samples: 100, factors: [0.2, 5], seed: 0}
                """);
        assertEquals(100, p.trials().size());
        assertTrue(p.entries().stream().allMatch(SweepPlan.Trial::sensitivity));
        p.trials().forEach(t -> assertTrue(t.getDouble("lr") >= 1e-5 && t.getDouble("lr") <= 2.5e-4));
    }

    @Test
    void presetsExpandToOneConfigurationPerMethodOrTheirSensitivityDraws() throws Exception {
        Path root = root();
        int checked = 0;
        try (DirectoryStream<Path> presets = Files.newDirectoryStream(root.resolve("conf/presets"), "*.yaml")) {
            for (Path f : presets) {
                SweepSpec spec = SweepSpec.load(f);
                SweepPlan p = SweepPlan.expand(spec);
                // One configuration per method, or a sensitivity study's draws (plus its base when included).
                int configurations = spec.methods().values().stream().mapToInt(m -> m.sensitivity() == null ? 1
                        : m.sensitivity().samples() + (m.sensitivity().includeBase() ? 1 : 0)).sum();
                assertEquals(configurations * spec.datasets().size() * spec.seeds().size(), p.trials().size(),
                        f.toString());
                checked++;
            }
        }
        assertTrue(checked >= 4, "presets found: " + checked);
    }

    /** The committed search specs behind the FW-DTP presets: every method is drawn {@code samples} times. */
    @Test
    void searchSpecsExpandToTheirDrawsPerMethod() throws Exception {
        Path root = root();
        int checked = 0;
        try (DirectoryStream<Path> specs = Files.newDirectoryStream(root.resolve("conf/presets/search"), "*.yaml")) {
            for (Path f : specs) {
                SweepSpec spec = SweepSpec.load(f);
                SweepPlan p = SweepPlan.expand(spec);
                int draws = spec.methods().values().iterator().next().samples();
                assertEquals(spec.methods().size() * draws * spec.datasets().size() * spec.seeds().size(),
                        p.trials().size(), f.toString());
                assertEquals(16, draws, f + ": the budget its comment states");
                checked++;
            }
        }
        assertEquals(2, checked, "search specs found");
    }

    /** The repository root (tests run in spark-jobs/ under Maven, or at the root). */
    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return here.getFileName().toString().equals("spark-jobs") ? here.getParent() : here;
    }
}
