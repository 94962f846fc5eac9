package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;

/**
 * Model selection and stopping on made-up epochs (issue 15 item 5): the best epoch is the first argmin of the
 * validation error (ALGORITHMS.md §4), through a tie and a non-monotone curve, and the reported test error is that
 * epoch's; the early stop (§2 step 4) fires from the 6th epoch (0-based index 5) on, below a training accuracy of
 * 0.4 on MNIST, and not at 0.41 or at index 4.
 */
class TrainResultsTest {

    /** Epochs with the given validation errors; test error = 0.5 + epoch / 100, so each epoch's is recognisable. */
    private static List<EpochMetrics> epochs(double... valErrors) {
        List<EpochMetrics> list = new ArrayList<>();
        for (int k = 0; k < valErrors.length; k++) {
            int epoch = k + 1;
            list.add(new EpochMetrics(epoch, 1.0 / epoch, 0.3, 0.9, valErrors[k], 0.8, 0.5 + epoch / 100.0, 1.0,
                    0.0, valErrors[k], 0.5 + epoch / 100.0));
        }
        return list;
    }

    private static TrainResult of(List<EpochMetrics> epochs) {
        return TrainResults.of(RunStatus.OK, "", epochs, List.of(), "", Instant.now(), List.of());
    }

    @Test
    void bestEpochIsTheFirstArgminThroughATieAndANonMonotoneCurve() {
        // down, up, down to a new minimum at epoch 4, up, back to the same minimum at epoch 6 (a tie), up
        TrainResult r = of(epochs(0.30, 0.20, 0.25, 0.10, 0.15, 0.10, 0.40));
        assertEquals(4, r.bestEpoch(), "first of the tied minima 0.10 (epochs 4 and 6)");
        assertEquals(0.54, r.testError(), 0.0, "the test error of epoch 4");
        assertEquals(0.10, r.bestValError(), 0.0);
        assertEquals(1.0 / 7, r.finalTrainLoss(), 0.0, "the last epoch's training loss");
        // a tie at the very first epoch
        assertEquals(1, of(epochs(0.2, 0.3, 0.2)).bestEpoch());
        // no validation set: the last epoch
        assertEquals(3, of(epochs(Double.NaN, Double.NaN, Double.NaN)).bestEpoch());
    }

    @Test
    void earlyStopFiresFromTheSixthEpochBelowFortyPercentTrainingAccuracy() {
        RunConfig on = RunConfig.of(Methods.BP, "mnist", 1, Map.of(Methods.EARLY_STOP, true));
        assertTrue(Trainer.earlyStop(on, false, 6, 1 - 0.39), "accuracy 0.39 at 0-based epoch 5");
        assertFalse(Trainer.earlyStop(on, false, 6, 1 - 0.41), "accuracy 0.41 at 0-based epoch 5");
        assertFalse(Trainer.earlyStop(on, false, 5, 1 - 0.39), "accuracy 0.39 at 0-based epoch 4");
        assertTrue(Trainer.earlyStop(on, false, 9, 1 - 0.39), "and on every later epoch");
        assertFalse(Trainer.earlyStop(on, true, 6, 1 - 0.39), "never on a regression");
        RunConfig off = RunConfig.of(Methods.BP, "mnist", 1, Map.of());
        assertFalse(Trainer.earlyStop(off, false, 6, 1 - 0.39), "off unless early_stop");
        RunConfig cifar = RunConfig.of(Methods.BP, "cifar10", 1, Map.of(Methods.EARLY_STOP, true));
        assertTrue(Trainer.earlyStop(cifar, false, 6, 1 - 0.24), "CIFAR-10: below 0.25");
        assertFalse(Trainer.earlyStop(cifar, false, 6, 1 - 0.26), "CIFAR-10: not at 0.26");
    }
}
