package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DataDirectory;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.metrics.AngleStats;

/**
 * [M]'s Fig. 4 claim, measured on the student–teacher set (student 6-6-6-2): after feedback pre-training with
 * the forward weights frozen, the updates of the DRL-trained rules (dtp-drl, ddtp-linear) are closer in angle
 * to the Gauss-Newton-target update than dtp's, whose layer-wise inverses are not the Gauss-Newton ones: dtp's
 * angle is at least 1.6× each of theirs (the README's figures: ≈ 68° vs ≈ 12° and ≈ 22°). Also
 * the null-space ratios of the toy option are logged (ratios in [0, 1]).
 */
class ToyAlignmentTest {
    private static TrainTestData data() {
        return DatasetCache.get("student-teacher", DataDirectory.resolve());
    }

    /** Mean over hidden layers of the last epoch's mean GNT angle. */
    private static double gntAngle(String method, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(Map.of(Methods.NUM_HIDDEN, 2, Methods.SIZE_HIDDEN, 6,
                Methods.BATCH_SIZE, 32, Methods.TRAIN_SUBSET, 500, Methods.EPOCHS, 1, Methods.EPOCHS_FB, 30,
                Methods.FREEZE_FORWARD, true, Methods.ANGLE_INTERVAL, 1, Methods.GNT_DAMPING, List.of(0.0, 0.0)));
        p.put(Methods.LR_FB, 3e-3);
        p.put(Methods.BETA1_FB, 0.9);
        p.put(Methods.BETA2_FB, 0.999);
        p.put(Methods.EPSILON_FB, 1e-8);
        p.put(Methods.FEEDBACK_WD, 0.0);
        p.put(Methods.SIGMA, 0.01);
        p.put(Methods.NULLSPACE_RATIO, true);
        p.putAll(extra);
        TrainResult r = new Trainer(RunConfig.of(method, "student-teacher", 11, p), data()).train(EpochListener.NONE);
        assertEquals(RunStatus.OK, r.status(), r.message());
        List<AngleStats> gnt = r.angles().stream().filter(a -> a.reference().equals(AngleStats.GNT)).toList();
        assertEquals(2, gnt.size());
        r.angles().stream().filter(a -> a.reference().equals(AngleStats.NULLSPACE))
                .forEach(a -> assertTrue(a.meanDeg() >= 0 && a.meanDeg() <= 1 + 1e-12, a.toString()));
        double mean = gnt.stream().mapToDouble(AngleStats::meanDeg).average().orElseThrow();
        System.out.printf("toy GNT angle %s: %.2f° %s%n", method, mean, gnt);
        return mean;
    }

    @Test
    void drlTrainedFeedbackAlignsWithGaussNewtonTargetsBetterThanDtp() {
        double dtp = gntAngle(Methods.DTP, Map.of());
        double dtpDrl = gntAngle(Methods.DTP_DRL, Map.of());
        double ddtpLinear = gntAngle(Methods.DDTP_LINEAR, Map.of());
        // With a margin (issue 15 item 10): the README's figures are dtp ≈ 68°, dtp-drl ≈ 12°, ddtp-linear ≈ 22°.
        assertTrue(dtp >= 1.6 * dtpDrl, "dtp " + dtp + "° vs dtp-drl " + dtpDrl + "°: not 1.6× apart");
        assertTrue(dtp >= 1.6 * ddtpLinear, "dtp " + dtp + "° vs ddtp-linear " + ddtpLinear + "°: not 1.6× apart");
    }
}
