package org.tpsweep.lockstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.tpsweep.train.RunStatus;

/**
 * Step-for-step fidelity with the authors' code (issue: lockstep fixtures). Each fixture was recorded from
 * Meulemans et al.'s own PyTorch code by tools/reference/lockstep.py: the initial parameters, the sample order
 * of every pass, every noise draw and every parameter after every optimiser step, over feedback pre-training,
 * the main loop and interleaved feedback-only epochs. tp-sweep replays the same steps with the same inputs and
 * every parameter must agree to {@link LockstepReplay#TOLERANCE} after every step.
 */
class LockstepReplayTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bp", "dfa", "dtp", "dtp-pretrained", "dtp-drl", "ddtp-linear", "ddtp-rhl", "ddtp-rec",
            "ddtp-control", "gnt"})
    void everyParameterAfterEveryStepMatchesTheAuthorsCode(String method) {
        LockstepFixture f = LockstepFixture.load(method);
        LockstepReplay.Report report = LockstepReplay.run(f);
        System.out.printf("lockstep %s: %d steps, largest relative error %.2e%n", method, report.checks().size(),
                report.checks().stream().mapToDouble(LockstepReplay.StepCheck::worstRelError).max().orElse(0));

        assertEquals(RunStatus.OK, report.result().status(), report.result().message());
        assertEquals(f.steps().size(), report.checks().size(), "optimiser steps replayed");
        assertEquals(report.noiseRecorded(), report.noiseUsed(), "every recorded noise draw used, none more");
        assertTrue(report.checks().size() >= 9, "a fixture covers at least three epochs of three minibatches");
        assertNull(report.firstDivergence(), () -> f.name() + " (" + f.provenance() + ") first differs at "
                + report.firstDivergence().describe() + "\n" + report.table());
    }

    @Test
    void aFixtureReplayedOnAnotherMethodFailsNamingTheFixtureAndField() {
        ObjectNode root = raw("dtp");
        root.put("method", "ddtp-linear");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LockstepReplay.run(LockstepFixture.parse("dtp.json.gz (as ddtp-linear)", root)));
        assertTrue(e.getMessage().startsWith("lockstep fixture dtp.json.gz (as ddtp-linear): "), e.getMessage());
        assertTrue(e.getMessage().contains("initial"), e.getMessage());
    }

    @Test
    void aFixtureForAnotherNetworkFailsNamingTheFixtureAndField() {
        ObjectNode root = raw("dtp");
        ((ObjectNode) root.get("hyperparameters")).put("size_hidden", 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LockstepReplay.run(LockstepFixture.parse("dtp.json.gz", root)));
        assertTrue(e.getMessage().startsWith("lockstep fixture dtp.json.gz: widths"), e.getMessage());
    }

    @Test
    void aMissingFieldIsNamed() {
        ObjectNode root = raw("dtp");
        root.remove("noise");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LockstepFixture.parse("dtp.json.gz", root));
        assertEquals("lockstep fixture dtp.json.gz: noise is missing", e.getMessage());
    }

    @Test
    void aTruncatedNoiseRecordingIsNamedNotAnIndexError() {
        ObjectNode root = raw("dtp");
        com.fasterxml.jackson.databind.node.ArrayNode noise = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("noise");
        noise.remove(noise.size() - 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LockstepReplay.run(LockstepFixture.parse("dtp.json.gz", root)));
        assertTrue(e.getMessage().startsWith("dtp.json.gz: noise draw"), e.getMessage());
    }

    private static ObjectNode raw(String method) {
        return (ObjectNode) LockstepFixture.readJson(method);
    }
}
