package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;

/**
 * The FW-DTP sensitivity protocol (ALGORITHMS.md §4): log α ~ U(log 0.2ᾱ, log 5ᾱ) around the base value ᾱ of
 * each listed hyperparameter, independently, N configurations per method, the base itself only on request.
 */
class SensitivityTest {

    static final List<String> PARAMS = List.of("lr", "target_stepsize", "lr_fb", "sigma");

    static final String STUDY = """
            dataset: mnist
            seeds: [1]
            methods:
              bp: {}
              dtp:
                lr: 5.0e-5
                sensitivity: {params: [lr, target_stepsize, lr_fb, sigma], samples: 2000}
            """;

    static SweepPlan plan(String yaml) {
        return SweepPlan.expand(SweepSpec.parse(yaml, "spec.yaml", "spec"));
    }

    /** ᾱ of dtp: the spec's lr, the method's defaults for the others. */
    static double base(String key) {
        return key.equals("lr") ? 5.0e-5 : (double) Methods.get("dtp").byKey().get(key).defaultValue();
    }

    static List<SweepPlan.Trial> dtp(SweepPlan p) {
        return p.entries().stream().filter(t -> t.config().method().equals("dtp")).toList();
    }

    @Test
    void drawsLieWithinTheFactorsAndOtherValuesStayAtTheBase() {
        SweepPlan p = plan(STUDY);
        List<SweepPlan.Trial> dtp = dtp(p);
        assertEquals(2000, dtp.size());
        assertEquals(2001, p.trials().size(), "bp keeps its single configuration");
        RunConfig reference = RunConfig.of("dtp", "mnist", 1, Map.of("lr", 5.0e-5));
        for (SweepPlan.Trial t : dtp) {
            assertTrue(t.sensitivity());
            for (String key : PARAMS) {
                double v = t.config().getDouble(key);
                assertTrue(v >= 0.2 * base(key) && v <= 5 * base(key), key + " = " + v);
            }
            for (String key : reference.params().keySet()) {
                if (!PARAMS.contains(key)) {
                    assertEquals(reference.params().get(key), t.config().params().get(key), key);
                }
            }
            // The base configuration is not among the draws unless asked for.
            assertNotEquals(reference.params(), t.config().params());
        }
        assertFalse(p.entries().get(0).sensitivity(), "bp has no study");
        assertEquals(2000, dtp.stream().map(SweepPlan.Trial::configId).distinct().count());
    }

    @Test
    void logRatiosAreUniformOnLogFactorsAndIndependent() {
        List<SweepPlan.Trial> dtp = dtp(plan(STUDY));
        double halfWidth = Math.log(5);
        double[][] logRatios = new double[PARAMS.size()][dtp.size()];
        for (int k = 0; k < PARAMS.size(); k++) {
            String key = PARAMS.get(k);
            for (int i = 0; i < dtp.size(); i++) {
                logRatios[k][i] = Math.log(dtp.get(i).config().getDouble(key) / base(key));
            }
            // U(−log 5, log 5): mean 0 (sd of the mean 0.021), variance (2 log 5)²/12 = 0.863.
            double mean = mean(logRatios[k]);
            assertEquals(0.0, mean, 0.1, key + ": mean log ratio");
            double var = 0;
            for (double r : logRatios[k]) {
                var += (r - mean) * (r - mean) / (logRatios[k].length - 1);
            }
            assertEquals(4 * halfWidth * halfWidth / 12, var, 0.08, key + ": variance of the log ratio");
            // Ten equal bins of the log ratio hold 200 draws each (sd ≈ 13.4).
            int[] bins = new int[10];
            for (double r : logRatios[k]) {
                bins[Math.min(9, (int) ((r + halfWidth) / (2 * halfWidth) * 10))]++;
            }
            for (int b : bins) {
                assertTrue(b > 140 && b < 260, key + ": bins " + java.util.Arrays.toString(bins));
            }
        }
        for (int a = 0; a < PARAMS.size(); a++) {
            for (int b = a + 1; b < PARAMS.size(); b++) {
                double r = SweepPlanAxesTest.correlation(boxed(logRatios[a]), boxed(logRatios[b]));
                assertTrue(Math.abs(r) < 0.1, PARAMS.get(a) + " vs " + PARAMS.get(b) + ": correlation " + r);
            }
        }
    }

    @Test
    void studyIsDeterministicAndFollowsItsSeed() {
        List<RunConfig> a = plan(STUDY).trials();
        assertEquals(a, plan(STUDY).trials());
        // seed defaults to sampling_seed, which defaults to 0.
        assertEquals(a, plan(STUDY.replace("samples: 2000}", "samples: 2000, seed: 0}")).trials());
        assertEquals(a, plan(STUDY.replace("seeds: [1]", "seeds: [1]\nsampling_seed: 0")).trials());
        List<RunConfig> other = plan(STUDY.replace("samples: 2000}", "samples: 2000, seed: 3}")).trials();
        List<RunConfig> viaSamplingSeed = plan(STUDY.replace("seeds: [1]", "seeds: [1]\nsampling_seed: 3")).trials();
        assertEquals(other, viaSamplingSeed);
        assertNotEquals(a.get(1).getDouble("lr"), other.get(1).getDouble("lr"));
        // Fewer samples give the first draws of the longer study.
        List<RunConfig> ten = plan(STUDY.replace("samples: 2000", "samples: 10")).trials();
        assertEquals(a.subList(0, 11), ten);
    }

    @Test
    void includeBaseAddsTheBaseConfigurationFirst() {
        SweepPlan p = plan(STUDY.replace("samples: 2000}", "samples: 5, include_base: true}"));
        List<SweepPlan.Trial> dtp = dtp(p);
        assertEquals(6, dtp.size());
        assertEquals(RunConfig.of("dtp", "mnist", 1, Map.of("lr", 5.0e-5)), dtp.get(0).config());
        assertFalse(dtp.get(0).sensitivity());
        assertTrue(dtp.subList(1, 6).stream().allMatch(SweepPlan.Trial::sensitivity));
        assertEquals(List.of(0, 1, 2, 3, 4, 5), dtp.stream().map(SweepPlan.Trial::configIndex).toList());
    }

    @Test
    void seedsShareTheDrawsAndCustomFactorsAndWholeNumbersAreRespected() {
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [4, 5, 6]
                methods:
                  bp:
                    sensitivity: {params: [lr, size_hidden], samples: 50, factors: [0.5, 2]}
                """);
        assertEquals(150, p.trials().size());
        Map<String, List<SweepPlan.Trial>> byConfig = p.entries().stream()
                .collect(Collectors.groupingBy(SweepPlan.Trial::configId));
        assertEquals(50, byConfig.size());
        byConfig.values().forEach(ts -> {
            assertEquals(List.of(4L, 5L, 6L), ts.stream().map(t -> t.config().seed()).toList());
            assertEquals(1, ts.stream().map(t -> t.config().params()).distinct().count());
        });
        double lr = (double) Methods.get("bp").byKey().get("lr").defaultValue();
        for (RunConfig t : p.trials()) {
            assertTrue(t.getDouble("lr") >= 0.5 * lr && t.getDouble("lr") <= 2 * lr, "lr " + t.getDouble("lr"));
            assertTrue(t.params().get("size_hidden") instanceof Integer);
            assertTrue(t.getInt("size_hidden") >= 128 && t.getInt("size_hidden") <= 512, "size_hidden " + t.getInt("size_hidden"));
        }
    }

    @Test
    void aStudyOnAGridSamplesAroundEachGridPoint() {
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [1]
                methods:
                  bp:
                    epochs: [1, 2]
                    lr: 0.01
                    sensitivity: {params: [lr], samples: 3}
                """);
        assertEquals(List.of(1, 1, 1, 2, 2, 2), p.trials().stream().map(t -> t.getInt("epochs")).toList());
        p.trials().forEach(t -> assertTrue(t.getDouble("lr") >= 0.002 && t.getDouble("lr") <= 0.05));
    }

    @Test
    void commandLineOverridesApplyToEveryDrawAndFixAStudiedKey() {
        SweepPlan p = SweepPlan.expand(SweepSpec.parse(STUDY, "spec.yaml", "spec"), Map.of("epochs", 1));
        assertEquals(2001, p.trials().size());
        p.trials().forEach(t -> assertEquals(1, t.getInt("epochs")));
        SweepPlan fixed = SweepPlan.expand(SweepSpec.parse(STUDY, "spec.yaml", "spec"), Map.of("lr", 1e-4));
        assertEquals(2001, fixed.trials().size(), "the other three keys are still drawn");
        fixed.trials().forEach(t -> assertEquals(1e-4, t.getDouble("lr")));
        assertEquals(dtp(plan(STUDY)).stream().map(t -> t.config().getDouble("sigma")).toList(),
                dtp(fixed).stream().map(t -> t.config().getDouble("sigma")).toList(), "each key has its own stream");
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    static List<Double> boxed(double[] x) {
        return java.util.Arrays.stream(x).boxed().toList();
    }
}
