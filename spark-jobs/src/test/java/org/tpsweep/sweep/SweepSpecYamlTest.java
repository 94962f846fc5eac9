package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tpsweep.config.ConfigException;

/** The spec's YAML: read with the YAML 1.2 core schema, refusing what YAML 1.1 reads otherwise and alias bombs. */
class SweepSpecYamlTest {

    static SweepSpec spec(String yaml) {
        return SweepSpec.parse(yaml, "spec.yaml", "spec");
    }

    static ConfigException bad(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> SweepPlan.expand(spec(yaml)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("spec.yaml"), e.getMessage());
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            leading zero     | seeds: [1, 010]                                 | seeds[1] = 010 is ambiguous: YAML 1.1 reads it as octal 8, YAML 1.2 as decimal 10; write 10 or 8 (no leading zero) (line 2, column 12)
            leading zero 9   | seeds: [09]                                     | seeds[0] = 09 is ambiguous: YAML 1.1 reads a leading 0 as octal, YAML 1.2 as decimal 9; write 9
            base 60          | seeds: [1:30]                                   | seeds[0] = 1:30 is ambiguous: YAML 1.1 reads it as the base-60 number 90, YAML 1.2 as the text '1:30'; write 90
            hexadecimal      | seeds: [0x1F]                                   | seeds[0] = 0x1F is a hexadecimal number (YAML 1.1 and 1.2 accept different hexadecimal forms); allowed: decimal numbers only; write 31
            octal 1.2        | seeds: [0o17]                                   | seeds[0] = 0o17 is ambiguous: YAML 1.2 reads it as octal 15, YAML 1.1 as the text '0o17'; write 15
            binary           | seeds: [0b101]                                  | seeds[0] = 0b101 is ambiguous: YAML 1.1 reads it as binary 5, YAML 1.2 as the text '0b101'; write 5
            underscore       | seeds: [1_000]                                  | seeds[0] = 1_000 is ambiguous: YAML 1.1 reads it as the number 1000, YAML 1.2 as the text '1_000'; write 1000
            sampling seed    | seeds: [1]\\nsampling_seed: 0755                | sampling_seed = 0755 is ambiguous: YAML 1.1 reads it as octal 493
            yes              | seeds: [1]\\nmethods2: {dtp: {jacobians: yes}}  | methods.dtp.jacobians = yes is ambiguous: YAML 1.1 reads it as true, YAML 1.2 as the text 'yes'; write true, or quote it ('yes') for text
            off              | seeds: [1]\\nmethods2: {dtp: {jacobians: Off}}  | methods.dtp.jacobians = Off is ambiguous: YAML 1.1 reads it as false
            key on           | seeds: [1]\\non: 1                              | key 'on' in the top level is ambiguous: YAML 1.1 reads it as true
            in a grid        | seeds: [1]\\nmethods2: {bp: {batch_size: 'grid([064, 128])'}} | methods.bp.batch_size = grid([064, 128]): [0] = 064 is ambiguous: YAML 1.1 reads it as octal 52, YAML 1.2 as decimal 64
            in a range       | seeds: [1]\\nmethods2: {bp: {epochs: 'uniform(1:30, 2:00)', samples: 2}} | methods.bp.epochs = uniform(1:30, 2:00): [0] = 1:30 is ambiguous
            """)
    void scalarsThatYaml11ReadsOtherwiseAreRefusedWithTheKeyAndAFix(String label, String lines, String message) {
        String body = "dataset: mnist\n" + lines.replace("\\n", "\n") + "\n";
        String yaml = body.contains("methods2:") ? body.replace("methods2:", "methods:") : body + "methods: {bp: {}}\n";
        ConfigException e = bad(yaml);
        assertTrue(e.getMessage().startsWith("spec.yaml: " + message), label + ": " + e.getMessage());
    }

    @Test
    void yaml12FormsAndQuotedTextAreRead() {
        SweepSpec s = spec("name: '010'\ndataset: mnist\nseeds: [10, +7, 0]\nmethods: {bp: {lr: 1e-3, epochs: 3}}\n");
        assertEquals("010", s.name());
        assertEquals(List.of(10L, 7L, 0L), s.seeds());
        assertEquals(1e-3, s.methods().get("bp").values().get("lr"));
        // YAML 1.1 (SnakeYAML) read an unquoted date as a java.util.Date; YAML 1.2 reads it as text.
        assertEquals("2024-01-31", spec("name: 2024-01-31\ndataset: mnist\nseeds: [1]\nmethods: {bp: {}}\n").name());
    }

    @Test
    void plainScalarsOfBothVersionsAreNotAmbiguous() {
        for (String s : List.of("10", "0", "-3", "+7", "1.5", "0.5", "01.5", "1e-4", ".inf", "true", "false", "null",
                "~", "mnist", "float32", "a:b", "1-2", "_1")) {
            assertNull(SpecYaml.ambiguity(s), s);
        }
    }

    @Test
    void aRecursiveAliasIsRefused() {
        ConfigException e = bad("dataset: mnist\nseeds: [1]\nmethods: &m {bp: *m}\n");
        assertTrue(e.getMessage().startsWith("spec.yaml: methods.bp refers to itself through an alias (*m)"),
                e.getMessage());
    }

    @Test
    void aBillionLaughsSpecIsRefused() {
        StringBuilder y = new StringBuilder("dataset: mnist\nmethods: {bp: {}}\nlol0: &l0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n");
        for (int i = 1; i <= 9; i++) {
            String prev = " *l" + (i - 1);
            y.append("lol").append(i).append(": &l").append(i).append(" [").append(String.join(",", List.of(
                    prev, prev, prev, prev, prev, prev, prev, prev, prev))).append("]\n");
        }
        y.append("seeds: *l9\n");
        ConfigException e = bad(y.toString());
        assertTrue(e.getMessage().startsWith("spec.yaml: its aliases repeat more than 100000 values"), e.getMessage());
    }

    @Test
    void aFewAliasesOfValuesAreFine() {
        SweepSpec s = spec("dataset: mnist\nseeds: &s [1, 2]\nmethods: {bp: {lr: &lr 0.01}, dfa: {lr: *lr}}\n");
        assertEquals(0.01, s.methods().get("dfa").values().get("lr"));
        assertEquals(List.of(1L, 2L), s.seeds());
    }

    @Test
    void mergeKeysWorkAsBefore() {
        SweepSpec s = spec("dataset: mnist\nseeds: [1]\nmethods: {bp: &b {lr: 0.01}, dfa: {<<: *b, epochs: 2}}\n");
        assertEquals(0.01, s.methods().get("dfa").values().get("lr"));
        assertEquals(2, s.methods().get("dfa").values().get("epochs"));
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        ConfigException shallow = bad("dataset: mnist\nseeds: " + "[".repeat(40) + "]".repeat(40) + "\nmethods: {bp: {}}\n");
        assertTrue(shallow.getMessage().contains("nests lists or mappings more than 32 levels deep; allowed: at most 32"),
                shallow.getMessage());
        ConfigException deep = bad("dataset: mnist\nseeds: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n");
        assertTrue(deep.getMessage().contains("allowed: at most 32 levels"), deep.getMessage());
    }

    @Test
    void aLongSeedsListIsReadAndADuplicateIsNamed() {
        String seeds = LongStream.range(0, 200_000).mapToObj(Long::toString).collect(Collectors.joining(", "));
        assertEquals(200_000, spec("dataset: mnist\nseeds: [" + seeds + "]\nmethods: {bp: {}}\n").seeds().size());
        ConfigException e = assertThrows(ConfigException.class,
                () -> spec("dataset: mnist\nseeds: [" + seeds + ", 5]\nmethods: {bp: {}}\n"));
        assertEquals("spec.yaml: seed 5 appears twice in seeds; allowed: a non-empty list of distinct non-negative "
                + "whole numbers, e.g. [1, 2, 3]", e.getMessage());
    }
}
