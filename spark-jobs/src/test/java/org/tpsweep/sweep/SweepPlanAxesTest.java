package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.RunConfig;

/** Expansion of grid and random axes into configurations and trials: order, counts, bounds, determinism, ids. */
class SweepPlanAxesTest {

    static SweepPlan plan(String yaml) {
        return SweepPlan.expand(SweepSpec.parse(yaml, "spec.yaml", "spec"));
    }

    static List<Double> doubles(SweepPlan p, String method, String key) {
        return p.trials().stream().filter(t -> t.method().equals(method)).map(t -> t.getDouble(key)).toList();
    }

    static final String GRID = """
            dataset: mnist
            seeds: [1, 2]
            defaults:
              epochs: 2
              num_hidden: [2, 3]
            methods:
              bp:
                lr: [0.1, 0.01]
              dfa: {}
            """;

    @Test
    void gridExpandsToTheCartesianProductInSpecOrderThenSeeds() {
        SweepPlan p = plan(GRID);
        List<RunConfig> expected = new ArrayList<>();
        // bp: defaults' axis num_hidden first (slowest), then its own lr; seeds innermost.
        for (int hidden : new int[] {2, 3}) {
            for (double lr : new double[] {0.1, 0.01}) {
                for (long seed : new long[] {1, 2}) {
                    expected.add(RunConfig.of("bp", "mnist", seed, Map.of("epochs", 2, "num_hidden", hidden, "lr", lr)));
                }
            }
        }
        // dfa has num_hidden (from defaults) but no lr axis.
        for (int hidden : new int[] {2, 3}) {
            for (long seed : new long[] {1, 2}) {
                expected.add(RunConfig.of("dfa", "mnist", seed, Map.of("epochs", 2, "num_hidden", hidden)));
            }
        }
        assertEquals(expected, p.trials());
        assertEquals(12, p.trials().size());
        assertEquals(6, p.configurationCount());
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1),
                p.entries().stream().map(SweepPlan.Trial::configIndex).toList());
        assertTrue(p.entries().stream().noneMatch(SweepPlan.Trial::sensitivity));
        assertEquals(0, p.duplicatesDropped());
    }

    @Test
    void datasetsComeFirstAndEveryDatasetGetsTheSameConfigurations() {
        String yaml = """
                datasets: [mnist, fashion-mnist]
                seeds: [1]
                samples: 5
                methods:
                  bp: {lr: 'log_uniform(1e-5, 1e-2)', epochs: [1, 2]}
                """;
        SweepPlan p = plan(yaml);
        assertEquals(20, p.trials().size());
        assertEquals(List.of("mnist", "fashion-mnist"),
                p.trials().stream().map(RunConfig::dataset).distinct().toList());
        assertEquals(p.trials().subList(0, 10).stream().map(RunConfig::params).toList(),
                p.trials().subList(10, 20).stream().map(RunConfig::params).toList());
        // ... but the configuration ids differ by dataset.
        assertNotEquals(p.entries().get(0).configId(), p.entries().get(10).configId());
    }

    static final String RANDOM = """
            dataset: mnist
            seeds: [1]
            samples: 400
            methods:
              dtp:
                lr: log_uniform(1e-5, 1e-3)
                sigma: uniform(0.01, 0.3)
                batch_size: choice([32, 64, 128])
                size_hidden: log_uniform(16, 256)
            """;

    @Test
    void randomAxesStayWithinTheirBoundsAndFollowTheirLaw() {
        SweepPlan p = plan(RANDOM);
        assertEquals(400, p.trials().size());
        assertEquals(400, p.entries().stream().map(SweepPlan.Trial::configId).distinct().count());
        for (RunConfig t : p.trials()) {
            assertTrue(t.getDouble("lr") >= 1e-5 && t.getDouble("lr") < 1e-3, t.canonical());
            assertTrue(t.getDouble("sigma") >= 0.01 && t.getDouble("sigma") < 0.3, t.canonical());
            assertTrue(Set.of(32, 64, 128).contains(t.getInt("batch_size")), t.canonical());
            assertTrue(t.getInt("size_hidden") >= 16 && t.getInt("size_hidden") <= 256, t.canonical());
            assertTrue(t.params().get("size_hidden") instanceof Integer, "rounded to a whole number");
        }
        // log-uniform: half the draws below the geometric midpoint 1e-4 (a linear uniform law puts 9 % there).
        long below = p.trials().stream().filter(t -> t.getDouble("lr") < 1e-4).count();
        assertTrue(below > 160 && below < 240, "lr draws below 1e-4: " + below + " of 400");
        // uniform: half the draws below the midpoint 0.155.
        long low = p.trials().stream().filter(t -> t.getDouble("sigma") < 0.155).count();
        assertTrue(low > 160 && low < 240, "sigma draws below the midpoint: " + low + " of 400");
        Map<Integer, Long> batches = p.trials().stream()
                .collect(Collectors.groupingBy(t -> t.getInt("batch_size"), Collectors.counting()));
        assertEquals(Set.of(32, 64, 128), batches.keySet());
        batches.values().forEach(n -> assertTrue(n > 90 && n < 180, "choice counts " + batches));
        // The axes are drawn independently of one another.
        assertTrue(Math.abs(correlation(doubles(p, "dtp", "lr"), doubles(p, "dtp", "sigma"))) < 0.2);
    }

    @Test
    void randomDrawsAreDeterministicAndDependOnSamplingSeed() {
        SweepPlan a = plan(RANDOM);
        SweepPlan b = plan(RANDOM);
        assertEquals(a.trials(), b.trials());
        assertEquals(a.entries(), b.entries());
        SweepPlan zero = plan(RANDOM.replace("samples: 400", "samples: 400\nsampling_seed: 0"));
        assertEquals(a.trials(), zero.trials(), "sampling_seed defaults to 0");
        SweepPlan other = plan(RANDOM.replace("samples: 400", "samples: 400\nsampling_seed: 1"));
        List<Double> lrA = doubles(a, "dtp", "lr");
        List<Double> lrOther = doubles(other, "dtp", "lr");
        assertEquals(400, lrA.size());
        for (int i = 0; i < lrA.size(); i++) {
            assertNotEquals(lrA.get(i), lrOther.get(i), "draw " + i);
        }
    }

    @Test
    void drawsOfOneMethodOrKeyDoNotDependOnOthersOrOnTheSampleCount() {
        SweepPlan a = plan(RANDOM);
        String more = RANDOM.replace("methods:\n", "methods:\n  bp: {lr: 'log_uniform(1e-4, 1e-2)'}\n")
                .replace("    sigma: uniform(0.01, 0.3)\n", "    sigma: uniform(0.01, 0.3)\n    lr_fb: log_uniform(1e-4, 1e-2)\n");
        SweepPlan b = plan(more);
        assertEquals(doubles(a, "dtp", "lr"), doubles(b, "dtp", "lr"));
        assertEquals(doubles(a, "dtp", "sigma"), doubles(b, "dtp", "sigma"));
        assertEquals(400, doubles(b, "bp", "lr").size());
        // More samples extend the list of draws; the first ones stay.
        SweepPlan c = plan(RANDOM.replace("samples: 400", "samples: 410"));
        assertEquals(doubles(a, "dtp", "lr"), doubles(c, "dtp", "lr").subList(0, 400));
        // Reordering keys in the spec changes neither draws nor ids.
        String reordered = RANDOM.replace("    lr: log_uniform(1e-5, 1e-3)\n", "")
                .replace("    size_hidden: log_uniform(16, 256)\n", "    size_hidden: log_uniform(16, 256)\n    lr: log_uniform(1e-5, 1e-3)\n");
        assertEquals(a.trials().stream().map(RunConfig::trialId).toList(),
                plan(reordered).trials().stream().map(RunConfig::trialId).toList());
    }

    @Test
    void eachRandomSampleIsCombinedWithEachGridPoint() {
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [1, 2]
                methods:
                  ddtp-linear:
                    epochs_fb: [0, 6]
                    lr: log_uniform(1e-5, 1e-3)
                    samples: 3
                """);
        assertEquals(12, p.trials().size());
        List<RunConfig> firstSeed = p.trials().stream().filter(t -> t.seed() == 1).toList();
        assertEquals(List.of(0, 0, 0, 6, 6, 6), firstSeed.stream().map(t -> t.getInt("epochs_fb")).toList());
        for (int j = 0; j < 3; j++) {
            assertEquals(firstSeed.get(j).getDouble("lr"), firstSeed.get(j + 3).getDouble("lr"));
        }
        assertEquals(3, firstSeed.stream().map(t -> t.getDouble("lr")).distinct().count());
    }

    @Test
    void configIdIsSharedBySeedsOfOneConfigurationOnly() {
        SweepPlan p = plan(GRID);
        Map<String, Set<String>> paramsById = new HashMap<>();
        Map<String, Set<Long>> seedsById = new HashMap<>();
        for (SweepPlan.Trial t : p.entries()) {
            assertTrue(t.configId().matches("[0-9a-f]{16}"), t.configId());
            assertEquals(t.configId(), SweepPlan.configId(t.config()));
            assertNotEquals(t.configId(), t.config().trialId());
            RunConfig c = t.config();
            paramsById.computeIfAbsent(t.configId(), k -> new LinkedHashSet<>())
                    .add(c.method() + c.dataset() + c.params());
            seedsById.computeIfAbsent(t.configId(), k -> new LinkedHashSet<>()).add(c.seed());
        }
        assertEquals(6, paramsById.size());
        paramsById.values().forEach(s -> assertEquals(1, s.size(), "one configuration per id"));
        seedsById.values().forEach(s -> assertEquals(Set.of(1L, 2L), s, "every seed under each id"));
        // The id follows the configuration, not the spec: the same configuration in another spec has the same id.
        RunConfig c = RunConfig.of("bp", "mnist", 7, Map.of("epochs", 2, "num_hidden", 2, "lr", 0.1));
        assertEquals(p.entries().get(0).configId(), SweepPlan.configId(c));
        assertNotEquals(SweepPlan.configId(c), SweepPlan.configId(c.with("lr", 0.2)));
    }

    @Test
    void commandLineOverridesReplaceAxes() {
        SweepSpec spec = SweepSpec.parse(GRID, "spec.yaml", "spec");
        SweepPlan p = SweepPlan.expand(spec, Map.of("num_hidden", 4));
        assertEquals(6, p.trials().size());
        p.trials().forEach(t -> assertEquals(4, t.getInt("num_hidden")));
        SweepPlan r = SweepPlan.expand(SweepSpec.parse(RANDOM, "spec.yaml", "spec"), Map.of("size_hidden", 8));
        assertEquals(400, r.trials().size());
        r.trials().forEach(t -> assertEquals(8, t.getInt("size_hidden")));
    }

    @Test
    void identicalConfigurationsRunOnce() {
        // epochs_fb is a whole number: uniform(0, 1) draws round to 0 or 1.
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [1, 2]
                methods:
                  ddtp-linear: {epochs_fb: 'uniform(0, 1)', samples: 20}
                """);
        assertEquals(Set.of(0, 1), p.trials().stream().map(t -> t.getInt("epochs_fb")).collect(Collectors.toSet()));
        assertEquals(4, p.trials().size());
        assertEquals(18, p.duplicatesDropped());
        assertEquals(List.of(0, 0, 1, 1), p.entries().stream().map(SweepPlan.Trial::configIndex).toList());
    }

    @Test
    void listValuedHyperparametersTakeAListAsTheirValueAndGridOverLists() {
        SweepPlan one = plan("""
                dataset: mnist
                seeds: [1]
                defaults: {num_hidden: 3}
                methods:
                  bp: {gnt_damping: [1, 1, 1e-4]}
                """);
        assertEquals(1, one.trials().size());
        assertEquals("1.0,1.0,1.0E-4", one.trials().get(0).getString("gnt_damping"));
        SweepPlan grid = plan("""
                dataset: mnist
                seeds: [1]
                defaults: {num_hidden: 3}
                methods:
                  bp:
                    gnt_damping: grid([[1, 1, 1e-4], [1, 1, 1e-3]])
                    lr: grid([0.1, 0.2])
                """);
        assertEquals(List.of("1.0,1.0,1.0E-4", "1.0,1.0,1.0E-4", "1.0,1.0,0.001", "1.0,1.0,0.001"),
                grid.trials().stream().map(t -> t.getString("gnt_damping")).toList());
        assertEquals(List.of(0.1, 0.2, 0.1, 0.2), grid.trials().stream().map(t -> t.getDouble("lr")).toList());
        SweepPlan empty = plan("dataset: mnist\nseeds: [1]\nmethods: {bp: {gnt_damping: []}}\n");
        assertEquals("", empty.trials().get(0).getString("gnt_damping"));
    }

    @Test
    void choiceWorksForWordsAndFlagsAndDefaultsAxesReachOnlyMethodsWithTheKey() {
        SweepPlan p = plan("""
                dataset: mnist
                seeds: [1]
                samples: 40
                defaults:
                  sigma: log_uniform(0.01, 0.1)
                methods:
                  bp: {precision: 'choice([float32, float64])', normalize_lr: [true, false]}
                  dtp: {}
                """);
        List<RunConfig> bp = p.trials().stream().filter(t -> t.method().equals("bp")).toList();
        // 40 samples × 2 grid points, but only 2 × 2 distinct configurations: the rest are dropped as duplicates.
        assertEquals(4, bp.size());
        assertEquals(76, p.duplicatesDropped());
        assertEquals(Set.of("float32", "float64"), bp.stream().map(t -> t.getString("precision")).collect(Collectors.toSet()));
        assertEquals(List.of(true, false), bp.stream().map(t -> t.getBoolean("normalize_lr")).distinct().toList());
        assertFalse(bp.get(0).has("sigma"));
        List<Double> sigma = doubles(p, "dtp", "sigma");
        assertEquals(40, sigma.size());
        sigma.forEach(s -> assertTrue(s >= 0.01 && s < 0.1, "sigma " + s));
    }

    @Test
    void existingPresetsExpandAsBefore() {
        SweepPlan quick = SweepPlan.expand(SweepSpec.parse("""
                name: quick
                dataset: mnist
                seeds: [1, 2, 3]
                defaults: {epochs: 8, train_subset: 10000, num_hidden: 5, size_hidden: 256}
                methods:
                  bp: {}
                  ddtp-linear: {epochs_fb: 2}
                """, "quick.yaml", "quick"));
        assertEquals(6, quick.trials().size());
        assertEquals(List.of(0, 0, 0, 0, 0, 0), quick.entries().stream().map(SweepPlan.Trial::configIndex).toList());
        assertEquals(2, quick.entries().stream().map(SweepPlan.Trial::configId).distinct().count());
    }

    static double correlation(List<Double> x, List<Double> y) {
        double mx = x.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double my = y.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.size(); i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
            syy += (y.get(i) - my) * (y.get(i) - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
