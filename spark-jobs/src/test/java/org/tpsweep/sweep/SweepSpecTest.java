package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;

class SweepSpecTest {

    static final String VALID = """
            name: demo
            dataset: mnist
            seeds: [1, 2]
            defaults:
              epochs: 3
              train_subset: 1000
              sigma: 0.05
            methods:
              bp: {}
              ddtp-linear: {epochs_fb: 1, lr: 0.001}
            """;

    static SweepPlan plan(String yaml) {
        return SweepPlan.expand(SweepSpec.parse(yaml, "spec.yaml", "spec"));
    }

    static ConfigException bad(String yaml) {
        return assertThrows(ConfigException.class, () -> plan(yaml));
    }

    @Test
    void validSpecExpandsToMethodTimesSeedInSpecOrder() {
        SweepPlan p = plan(VALID);
        assertEquals("demo", p.name());
        assertEquals(List.of("bp", "ddtp-linear"), p.methods());
        List<RunConfig> expected = List.of(
                RunConfig.of("bp", "mnist", 1, Map.of("epochs", 3, "train_subset", 1000)),
                RunConfig.of("bp", "mnist", 2, Map.of("epochs", 3, "train_subset", 1000)),
                RunConfig.of("ddtp-linear", "mnist", 1,
                        Map.of("epochs", 3, "train_subset", 1000, "sigma", 0.05, "epochs_fb", 1, "lr", 0.001)),
                RunConfig.of("ddtp-linear", "mnist", 2,
                        Map.of("epochs", 3, "train_subset", 1000, "sigma", 0.05, "epochs_fb", 1, "lr", 0.001)));
        assertEquals(expected, p.trials());
        assertEquals(expected.stream().map(RunConfig::trialId).toList(), p.trials().stream().map(RunConfig::trialId).toList());
        // The defaults key sigma reaches only the method that has it; the method's own value wins over defaults.
        assertFalse(p.trials().get(0).has("sigma"));
        assertEquals(0.05, p.trials().get(2).getDouble("sigma"));
        assertEquals(0.001, p.trials().get(2).getDouble("lr"));
        assertEquals((double) Methods.get("bp").byKey().get("lr").defaultValue(), p.trials().get(0).getDouble("lr"));
        assertEquals(4, p.trials().stream().map(RunConfig::trialId).distinct().count());
        p.trials().forEach(t -> assertTrue(t.trialId().matches("[0-9a-f]{16}"), t.trialId()));
    }

    @Test
    void idsAreStableAcrossParsesKeyOrderAndExplicitDefaults() {
        List<String> ids = plan(VALID).trials().stream().map(RunConfig::trialId).toList();
        assertEquals(ids, plan(VALID).trials().stream().map(RunConfig::trialId).toList());
        String reordered = """
                methods:
                  bp: {batch_size: 128}
                  ddtp-linear: {lr: 0.001, epochs_fb: 1}
                defaults: {sigma: 0.05, train_subset: 1000, epochs: 3}
                seeds: [1, 2]
                dataset: mnist
                name: other-name
                """;
        assertEquals(ids, plan(reordered).trials().stream().map(RunConfig::trialId).toList());
        String otherSeed = VALID.replace("[1, 2]", "[1, 3]");
        assertFalse(plan(otherSeed).trials().get(1).trialId().equals(ids.get(1)));
    }

    @Test
    void severalDatasetsComeFirstInTheOrder() {
        SweepPlan p = plan(VALID.replace("dataset: mnist", "datasets: [fashion-mnist, mnist]"));
        assertEquals(8, p.trials().size());
        assertEquals(List.of("fashion-mnist", "fashion-mnist", "fashion-mnist", "fashion-mnist", "mnist", "mnist",
                "mnist", "mnist"), p.trials().stream().map(RunConfig::dataset).toList());
    }

    @Test
    void defaultNameIsTheFileName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("my-sweep.yaml");
        Files.writeString(f, VALID.replace("name: demo\n", ""));
        assertEquals("my-sweep", SweepSpec.load(f).name());
    }

    @Test
    void commandLineOverridesApplyToEveryMethodAndAreValidated() {
        SweepPlan p = SweepPlan.expand(SweepSpec.parse(VALID, "spec.yaml", "spec"), Map.of("epochs", 1));
        p.trials().forEach(t -> assertEquals(1, t.getInt("epochs")));
        ConfigException e = assertThrows(ConfigException.class,
                () -> SweepPlan.expand(SweepSpec.parse(VALID, "spec.yaml", "spec"), Map.of("epochs", 0)));
        assertTrue(e.getMessage().contains("epochs = 0"), e.getMessage());
    }

    /** Each bad spec must fail with a message naming the offending key or value ({@code needle}) and what is allowed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            unknown method        | methods: {bp: {}, ddtp-lin: {}}                 | 'ddtp-lin'        | allowed: [bp, dfa,
            unknown key           | methods: {bp: {learning_rate: 0.1}}             | 'learning_rate'   | allowed:
            negative lr           | methods: {bp: {lr: -0.1}}                       | lr = -0.1         | (0, ∞)
            target_stepsize zero  | methods: {bp: {target_stepsize: 0}}             | target_stepsize = 0 | (0, ∞)
            negative sigma        | methods: {ddtp-linear: {sigma: -1}}             | sigma = -1        | (0, ∞)
            epochs zero           | methods: {bp: {epochs: 0}}                      | epochs = 0        | [1, ∞]
            epochs not a number   | methods: {bp: {epochs: many}}                   | epochs = 'many'   | whole number
            mapping value         | methods: {bp: {lr: {min: 0.1}}}                 | methods.bp.lr     | a single value
            default unknown       | methods: {bp: {}}\\ndefaults: {sigma: 0.1}       | 'sigma'           | allowed:
            default bad value     | methods: {bp: {}}\\ndefaults: {epochs: -3}       | epochs = -3       | [1, ∞]
            no methods            | methods: {}                                     | methods           | allowed methods
            """)
    void badMethodSectionsAreRejectedWithTheKeyNamed(String label, String methods, String needle, String allowed) {
        String yaml = "dataset: mnist\nseeds: [1]\n" + methods.replace("\\n", "\n") + "\n";
        ConfigException e = bad(yaml);
        assertTrue(e.getMessage().contains(needle), label + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(allowed), label + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("spec.yaml"), label + ": " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            empty seeds          | seeds: []                       | seeds = []
            missing seeds        | name: x                         | 'seeds' is missing
            negative seed        | seeds: [1, -2]                  | seed -2
            duplicate seed       | seeds: [1, 1]                   | seed 1 appears twice
            fractional seed      | seeds: [1.5]                    | seed 1.5
            """)
    void badSeedsAreRejected(String label, String seeds, String needle) {
        ConfigException e = bad("dataset: mnist\n" + seeds + "\nmethods: {bp: {}}\n");
        assertTrue(e.getMessage().contains(needle), label + ": " + e.getMessage());
    }

    @Test
    void unknownTopLevelKeyIsNamedWithTheAllowedOnes() {
        ConfigException e = bad("dataset: mnist\nseed: [1]\nseeds: [1]\nmethods: {bp: {}}\n");
        assertTrue(e.getMessage().contains("'seed'"), e.getMessage());
        assertTrue(e.getMessage().contains("[name, dataset, datasets, seeds, defaults, methods, samples, sampling_seed]"), e.getMessage());
    }

    @Test
    void malformedYamlNamesTheLine() {
        ConfigException e = bad("dataset: mnist\nseeds: [1, 2\nmethods: {bp: {}}\n");
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
        assertTrue(e.getMessage().contains("line "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void datasetProblems() {
        assertTrue(bad("dataset: cifar\nseeds: [1]\nmethods: {bp: {}}\n").getMessage().contains("'cifar'"));
        assertTrue(bad("seeds: [1]\nmethods: {bp: {}}\n").getMessage().contains("exactly one of 'dataset'"));
        assertTrue(bad("dataset: mnist\ndatasets: [mnist]\nseeds: [1]\nmethods: {bp: {}}\n").getMessage()
                .contains("exactly one of 'dataset'"));
    }

    @Test
    void otherShapes() {
        assertTrue(bad("").getMessage().contains("is empty"));
        assertTrue(bad("- a\n- b\n").getMessage().contains("must be a YAML mapping"));
        assertTrue(bad("name: 'a b'\ndataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").getMessage().contains("name = a b"));
        assertTrue(bad("dataset: mnist\nseeds: [1]\nmethods: {bp: {}}\nmethods: {bp: {}}\n").getMessage()
                .contains("not valid YAML"));
        assertTrue(assertThrows(ConfigException.class, () -> SweepSpec.load(Path.of("/nonexistent/x.yaml")))
                .getMessage().contains("does not exist"));
    }
}
