package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.LayerFeedbackSchedule;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.Split;
import org.tpsweep.rules.LDrlRule;

/**
 * l-drl-e's feedback schedule ([E] in ALGORITHMS.md §3b): per feedback iteration the maps train in ascending order,
 * each for its own number of steps with its own σ and learning rate, SGD with momentum; element k of a per-layer
 * list belongs to hidden layer k + 1, i.e. to map g_{k+2}.
 */
class LayerFeedbackScheduleTest {

    private static RunConfig config(String method, Map<String, Object> given) {
        return RunConfig.of(method, "mnist", 7, given);
    }

    private static Map<String, Object> tiny(Object... keyValues) {
        Map<String, Object> p = new HashMap<>(Map.of(Methods.EPOCHS, 1, Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 4,
                Methods.BATCH_SIZE, 2, Methods.NO_VAL_SET, true));
        for (int k = 0; k < keyValues.length; k += 2) {
            p.put((String) keyValues[k], keyValues[k + 1]);
        }
        return p;
    }

    @Test
    void lDrlEDefaultsAreErnoultsForm() {
        RunConfig e = config(Methods.L_DRL_E, Map.of());
        assertEquals("f", e.getString(Conventions.KEY));
        assertEquals(1.0, e.getDouble(Methods.LDRL_SCALE));
        assertTrue(e.getBoolean(Methods.LDRL_R_GRAD));
        assertEquals(0.9, e.getDouble(LayerFeedbackSchedule.MOMENTUM_FB));
        assertEquals(1, e.getInt(Conventions.EPOCHS_BACKWARD));
        LayerFeedbackSchedule s = LayerFeedbackSchedule.of(e);
        assertEquals(List.of(2, 3, 4, 5, 6), s.layerOrder());
        assertEquals(5, s.iterations(4));
        RunConfig f = config(Methods.L_DRL_F, Map.of());
        assertEquals(0.5, f.getDouble(Methods.LDRL_SCALE));
        assertEquals(List.of(6, 5, 4, 3, 2), LayerFeedbackSchedule.of(f).layerOrder());
        assertEquals(1, LayerFeedbackSchedule.of(f).iterations(2));
        assertEquals(List.of(6, 5, 4, 3, 2), LayerFeedbackSchedule.of(config(Methods.DTP,
                Map.of(Conventions.KEY, "f"))).layerOrder(), "a rule without the keys gets [F]'s order");
    }

    @Test
    void perLayerListsMapElementKToTheMapIntoHiddenLayerKPlusOne() {
        RunConfig c = config(Methods.L_DRL_E, tiny(LayerFeedbackSchedule.SIGMA_LAYERS, List.of(0.3, 0.05),
                LayerFeedbackSchedule.LR_FB_LAYERS, "[0.2, 0.01]", LayerFeedbackSchedule.FB_ITERATIONS, List.of(4, 1)));
        LayerFeedbackSchedule s = LayerFeedbackSchedule.of(c);
        assertEquals(0.3, s.sigma(2));
        assertEquals(0.05, s.sigma(3));
        assertEquals(0.01, s.lr(3));
        assertEquals(4, s.iterations(2));
        LDrlRule rule = (LDrlRule) new Trainer(c, new Split(ToyData.random(4, 3, 2, 1),
                ToyData.random(0, 3, 2, 1)), ToyData.random(4, 3, 2, 1), TrainerHooks.none()).rule();
        assertEquals(0.3, rule.sigma(2));
        assertEquals(0.05, rule.sigma(3));
        RunConfig one = config(Methods.L_DRL_E, tiny(LayerFeedbackSchedule.SIGMA_LAYERS, List.of(0.2)));
        assertEquals(0.2, LayerFeedbackSchedule.of(one).sigma(3), "one value serves every map");
        RunConfig none = config(Methods.L_DRL_E, tiny(Methods.SIGMA, 0.07, Methods.LR_FB, 0.002));
        assertEquals(0.07, LayerFeedbackSchedule.of(none).sigma(2), "empty: the scalar sigma");
        assertEquals(0.002, LayerFeedbackSchedule.of(none).lr(3), "empty: the scalar lr_fb");
    }

    /**
     * One pre-training epoch (K = 1) and one training epoch of 3 minibatches; each feedback iteration steps g_2 twice,
     * then g_3 once; a learning rate far below float32's resolution leaves its map unchanged, so the lr list is
     * applied to the right map.
     */
    @Test
    void aFeedbackIterationTrainsTheMapsInAscendingOrderForTheirOwnStepCounts() {
        RunConfig c = config(Methods.L_DRL_E, tiny(LayerFeedbackSchedule.FB_ITERATIONS, List.of(2, 1),
                LayerFeedbackSchedule.LR_FB_LAYERS, List.of(0.05, 1e-30), Methods.SIGMA, 0.1));
        LabeledData data = ToyData.random(5, 3, 2, 4);                       // 3 minibatches: 2, 2, 1
        StepRecorder rec = new StepRecorder();
        Trainer trainer = rec.watch(new Trainer(c, new Split(data, data.select(new int[0])), data, rec.hooks()));
        assertEquals(RunStatus.OK, trainer.train(EpochListener.NONE).status());
        List<String> expected = new ArrayList<>();
        for (String phase : List.of("P", "T")) {
            for (int b = 0; b < 3; b++) {
                expected.addAll(List.of(phase + b + "E", phase + b + "E", phase + b + "E"));
                if (phase.equals("T")) {
                    expected.add("T" + b + "O");
                }
            }
        }
        assertEquals(expected, rec.steps);
        assertEquals(List.of("Q2", "Q2", ""), rec.moved.subList(0, 3), "g_2 twice at lr 0.05, then g_3 at lr 1e-30");
        assertEquals(2 * 3 * 3, trainer.feedbackSteps());
    }

    @Test
    void badPerLayerSettingsAreRefusedNamingWhatIsAllowed() {
        ConfigException length = assertThrows(ConfigException.class, () -> config(Methods.L_DRL_E,
                tiny(LayerFeedbackSchedule.SIGMA_LAYERS, List.of(0.1, 0.2, 0.3))));
        assertTrue(length.getMessage().contains("sigma_layers has 3 values but the network has 2 hidden layers"),
                length.getMessage());
        ConfigException whole = assertThrows(ConfigException.class, () -> config(Methods.L_DRL_E,
                tiny(LayerFeedbackSchedule.FB_ITERATIONS, List.of(2.5, 1))));
        assertTrue(whole.getMessage().contains("allowed: whole numbers ≥ 1"), whole.getMessage());
        ConfigException zero = assertThrows(ConfigException.class, () -> config(Methods.L_DRL_E,
                tiny(LayerFeedbackSchedule.LR_FB_LAYERS, List.of(0, 1))));
        assertTrue(zero.getMessage().contains("allowed: numbers > 0"), zero.getMessage());
        ConfigException scheduleM = assertThrows(ConfigException.class, () -> config(Methods.L_DRL_E,
                Map.of(Conventions.KEY, "m")));
        assertTrue(scheduleM.getMessage().contains("but schedule = m; allowed: them with schedule f"),
                scheduleM.getMessage());
        ConfigException adam = assertThrows(ConfigException.class, () -> config(Methods.L_DRL_E,
                Map.of(Conventions.OPTIMIZER, "adam")));
        assertTrue(adam.getMessage().contains("momentum_fb = 0.9 with optimizer adam"), adam.getMessage());
        ConfigException dtp = assertThrows(ConfigException.class, () -> config(Methods.DTP,
                Map.of(LayerFeedbackSchedule.FB_ITERATIONS, List.of(2))));
        assertTrue(dtp.getMessage().contains("fb_iterations"), dtp.getMessage());
        // l-drl-f under [M]'s schedule keeps its neutral defaults and is accepted
        assertEquals("m", config(Methods.L_DRL_F, Map.of(Conventions.KEY, "m")).getString(Conventions.SCHEDULE));
    }
}
