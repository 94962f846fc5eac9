package org.tpsweep.lockstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tpsweep.config.Methods;
import org.tpsweep.train.RunStatus;

/**
 * Step-for-step fidelity with the FW-DTP authors' code (Shibuya et al. 2023, [F]; ALGORITHMS.md §1b, §2b, §3b).
 * Each fixture was recorded from [F]'s own code/Main.py and training functions by tools/reference/lockstep_f.py
 * (float64, 49-8-8-8-10, batch 16, 40 samples, two epochs, K = 2): the initial parameters, the sample order of
 * every pass, every feedback noise draw and every parameter after every step — each layer's feedback step of
 * [F]'s iterations over layers L..2 (K pre-training epochs, K iterations per minibatch before the targets) and
 * each minibatch's forward step. tp-sweep replays the run under {@code conventions: f} and every parameter must
 * agree to {@link LockstepReplay#TOLERANCE} after every step.
 */
class FLockstepReplayTest {

    /**
     * [F]'s code as published: bp-f and fa-f (with its {@code fa_bp_preact_bug}), dtp-f, tp-f, drl-f (dtp-drl with
     * [F]'s DRL options), l-drl-f, fw-dtp (with [F]'s default U(±1e-3) feedback and with its option uniform-1,
     * U(±0.1)), fw-dtp-bn with a linear and a linear-BN output. bp-f-fixed and fa-f-fixed are [F]'s BP and FA
     * with h_{i-1} in ∇W_i (its update_weights with that one expression substituted, FIXTURES.md): tp-sweep's
     * default.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bp-f", "fa-f", "dtp-f", "tp-f", "drl-f", "l-drl-f", "fw-dtp", "fw-dtp-uniform-1",
            "fw-dtp-bn-linear", "fw-dtp-bn", "bp-f-fixed", "fa-f-fixed"})
    void everyParameterAfterEveryStepMatchesTheAuthorsCode(String fixture) {
        LockstepFixture f = LockstepFixture.load(fixture);
        assertEquals("f", f.hyperparameters().get("conventions").asText(), "a fixture of [F]'s conventions");
        LockstepReplay.Report report = LockstepReplay.run(f);
        System.out.printf("lockstep %s (%s): %d steps, largest relative error %.2e%n", fixture, f.method(),
                report.checks().size(), report.checks().stream()
                        .mapToDouble(LockstepReplay.StepCheck::worstRelError).max().orElse(0));

        assertEquals(RunStatus.OK, report.result().status(), report.result().message());
        assertEquals(f.steps().size(), report.checks().size(), "steps replayed");
        assertEquals(report.noiseRecorded(), report.noiseUsed(), "every recorded noise draw used, none more");
        assertTrue(report.checks().size() >= 6, "a fixture covers two epochs of three minibatches");
        assertNull(report.firstDivergence(), () -> f.name() + " (" + f.provenance() + ") first differs at "
                + report.firstDivergence().describe() + "\n" + report.table());
    }

    /**
     * The fixtures see {@code fa_bp_preact_bug}: replayed without it, [F]'s BP and FA differ at the first step
     * exactly where the quirk acts — W_1 (built from x either way) agrees, some W_i with i ≥ 2 does not.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bp-f", "fa-f"})
    void withoutThePreActivationQuirkOnlyTheUpperLayersDiffer(String fixture) {
        ObjectNode root = (ObjectNode) LockstepFixture.readJson(fixture);
        ObjectNode hyper = (ObjectNode) root.get("hyperparameters");
        assertTrue(hyper.get(Methods.FA_BP_PREACT_BUG).asBoolean(), "recorded with the quirk");
        hyper.put(Methods.FA_BP_PREACT_BUG, false);
        LockstepReplay.StepCheck first = LockstepReplay.run(LockstepFixture.parse(fixture + ".json.gz (quirk off)",
                root)).firstDivergence();

        assertNotNull(first, "without the quirk tp-sweep cannot match [F]'s code");
        assertEquals(0, first.index(), "the first step already differs");
        Map<String, Double> errors = first.relErrors();
        assertTrue(errors.get("W1") <= LockstepReplay.TOLERANCE, () -> "W1 after step 0: " + errors);
        assertTrue(errors.entrySet().stream().filter(e -> !e.getKey().equals("W1"))
                .anyMatch(e -> e.getValue() > 1e-6), () -> "W_i, i ≥ 2, after step 0: " + errors);
    }

    /**
     * [F] draws each feedback iteration's noise layer by layer, L first: with the draws of layers L and 2 of the
     * first iteration swapped, the replay differs at its first step (layer L's).
     */
    @Test
    void theFeedbackNoiseIsDrawnLayerByLayerFromTheTop() {
        ObjectNode root = (ObjectNode) LockstepFixture.readJson("dtp-f");
        ArrayNode noise = (ArrayNode) root.get("noise");
        JsonNode top = noise.get(0);
        noise.set(0, noise.get(2));
        noise.set(2, top);
        LockstepFixture f = LockstepFixture.parse("dtp-f.json.gz (noise of layers L and 2 swapped)", root);
        assertEquals(4, f.steps().get(0).layer(), "the first step trains layer L = 4");
        LockstepReplay.StepCheck first = LockstepReplay.run(f).firstDivergence();

        assertNotNull(first, "swapped noise must not replay");
        assertEquals(0, first.index(), first.describe());
        assertEquals("Q4", first.worstParam(), first.describe());
    }
}
