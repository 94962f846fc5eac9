package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tpsweep.metrics.AngleStats;

/**
 * The λ search's choice (ALGORITHMS.md §4) on made-up mean angles (issue 15 item 7, replacing an argmin recomputed
 * from the code's own rows): per hidden layer the λ with the smallest mean GNT angle, a tie kept by the smaller λ,
 * and a non-monotone curve with its minimum in the middle.
 */
class DampingSearchTest {

    private static List<AngleStats> rows(double[][] meanByLayerAndCandidate) {
        List<AngleStats> rows = new ArrayList<>();
        for (int c = 0; c < DampingSearch.CANDIDATES.length; c++) {            // ascending λ, as the search logs
            for (int layer = 1; layer <= meanByLayerAndCandidate.length; layer++) {
                rows.add(new AngleStats(3, layer, "gnt@" + DampingSearch.CANDIDATES[c],
                        meanByLayerAndCandidate[layer - 1][c], 1.0, 10));
            }
        }
        return rows;
    }

    @Test
    void theSmallestMeanAngleWinsAndATieKeepsTheSmallerLambda() {
        // candidates 0, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10
        double[][] means = {
            {50, 40, 30, 20, 20, 25, 20, 60},        // layer 1: 20° at 1e-3, 1e-2 and 1: the smallest, 1e-3
            {70, 60, 65, 55, 58, 45, 44, 44.5},      // layer 2: non-monotone, minimum 44° at λ = 1
            {10, 10, 11, 12, 13, 14, 15, 16},        // layer 3: tie at the two smallest: 0
        };
        assertArrayEquals(new double[] {1e-3, 1.0, 0.0}, DampingSearch.choose(rows(means), 3), 0.0);
    }
}
