package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;

class DataSplitsTest {
    /** n samples of dim 2 whose row i is (i, −i), labelled i mod 10: each row tells which original it is. */
    private static LabeledData identified(int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i % 10;
        }
        return new LabeledData(x, y, n, 2, 10);
    }

    /** The original indices of a derived set's rows, checking each row is intact. */
    private static int[] originals(LabeledData d) {
        int[] ids = new int[d.n()];
        for (int k = 0; k < d.n(); k++) {
            ids[k] = (int) d.x()[2 * k];
            assertEquals(-ids[k], d.x()[2 * k + 1], 0f);
            assertEquals(ids[k] % 10, d.y()[k]);
        }
        return ids;
    }

    @Test
    void sizesAreExactAndPartsArePartitionOfOriginals() {
        Split s = DataSplits.split(identified(1000), 100, 0, 7L);
        assertEquals(100, s.validation().n());
        assertEquals(900, s.train().n());
        int[] v = originals(s.validation());
        int[] t = originals(s.train());
        Set<Integer> seen = new HashSet<>();
        for (int i : v) {
            assertTrue(seen.add(i), "duplicate " + i);
        }
        for (int i : t) {
            assertTrue(seen.add(i), "train and validation share " + i);
        }
        assertEquals(1000, seen.size());
        // a random split, not the first or last 100 rows
        int[] sortedV = v.clone();
        Arrays.sort(sortedV);
        assertFalse(sortedV[99] == 99 || sortedV[0] == 900);
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferentSplit() {
        LabeledData d = identified(500);
        Split a = DataSplits.split(d, 50, 0, 42L);
        Split b = DataSplits.split(d, 50, 0, 42L);
        Split c = DataSplits.split(d, 50, 0, 43L);
        assertArrayEquals(originals(a.validation()), originals(b.validation()));
        assertArrayEquals(originals(a.train()), originals(b.train()));
        assertFalse(sortedSet(a.validation()).equals(sortedSet(c.validation())));
    }

    @Test
    void trainSubsetKeepsTheFirstOfTheTrainingPart() {
        LabeledData d = identified(300);
        Split full = DataSplits.split(d, 30, 0, 5L);
        Split sub = DataSplits.split(d, 30, 100, 5L);
        assertEquals(100, sub.train().n());
        assertArrayEquals(originals(full.validation()), originals(sub.validation()));
        assertArrayEquals(Arrays.copyOf(originals(full.train()), 100), originals(sub.train()));
        assertEquals(270, DataSplits.split(d, 30, 270, 5L).train().n());
    }

    @Test
    void subsetTooLargeIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> DataSplits.split(identified(100), 10, 91, 1L));
        assertTrue(e.getMessage().contains("91") && e.getMessage().contains("maximum 90"), e.getMessage());
    }

    @Test
    void validationAsLargeAsTheSetIsAConfigError() {
        assertThrows(ConfigException.class, () -> DataSplits.split(identified(100), 100, 0, 1L));
        assertThrows(ConfigException.class, () -> DataSplits.split(identified(100), -1, 0, 1L));
        assertThrows(ConfigException.class, () -> DataSplits.split(identified(100), 10, -5, 1L));
    }

    private static Set<Integer> sortedSet(LabeledData d) {
        Set<Integer> s = new HashSet<>();
        for (int i : originals(d)) {
            s.add(i);
        }
        return s;
    }
}
