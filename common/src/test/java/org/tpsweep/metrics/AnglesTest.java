package org.tpsweep.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The angle formula of ALGORITHMS.md §4 and the per-epoch statistics. */
class AnglesTest {

    @Test
    void anglesOfKnownPairs() {
        var a = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 0}});
        var b = Nd4j.createFromArray(new double[][] {{0, 2}, {0, 0}});
        assertEquals(90.0, Angles.degrees(a, b), 1e-12);
        assertEquals(180.0, Angles.degrees(a, a.mul(-3)), 1e-6);
        assertEquals(0.0, Angles.degrees(a, a.mul(5)), 1e-6);
        assertEquals(45.0, Angles.degrees(a, a.add(b.div(2))), 1e-12);
        assertTrue(Double.isNaN(Angles.degrees(a, a.mul(0))));
    }

    @Test
    void accumulatorGivesMeanPopulationStdAndCountPerLayerAndReference() {
        AngleAccumulator acc = new AngleAccumulator();
        acc.add(AngleStats.BP, 2, 10);
        acc.add(AngleStats.BP, 2, 20);
        acc.add(AngleStats.BP, 2, 30);
        acc.add(AngleStats.GNT, 1, 5);
        acc.add(AngleStats.GNT, 1, Double.NaN);
        List<AngleStats> s = acc.flush(7);
        assertEquals(List.of(new AngleStats(7, 2, "bp", 20, Math.sqrt(200.0 / 3), 3),
                new AngleStats(7, 1, "gnt", 5, 0, 1)), s);
        assertEquals(List.of(), acc.flush(8), "flush starts afresh");
    }
}
