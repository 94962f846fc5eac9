package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MinibatchOrderTest {
    @Test
    void lastPartialBatchIsKept() {
        assertEquals(430, MinibatchOrder.numBatches(55000, 128));
        assertEquals(352, MinibatchOrder.numBatches(45000, 128));
        assertEquals(2, MinibatchOrder.numBatches(256, 128));
        assertEquals(1, MinibatchOrder.numBatches(1, 128));
        assertEquals(0, MinibatchOrder.numBatches(0, 128));
        assertThrows(IllegalArgumentException.class, () -> MinibatchOrder.numBatches(10, 0));
    }

    @Test
    void shuffledIsAPermutation() {
        int[] p = MinibatchOrder.shuffled(1000, new SplittableRandom(3));
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, sorted[i]);
        }
        int[] identity = sorted;
        assertFalse(Arrays.equals(identity, p), "shuffle left the order unchanged");
    }

    @Test
    void eachCallIsAFreshPermutationAndSeedsReproduce() {
        SplittableRandom a = new SplittableRandom(11);
        int[] epoch1 = MinibatchOrder.shuffled(200, a);
        int[] epoch2 = MinibatchOrder.shuffled(200, a);
        assertFalse(Arrays.equals(epoch1, epoch2));
        SplittableRandom b = new SplittableRandom(11);
        assertArrayEquals(epoch1, MinibatchOrder.shuffled(200, b));
        assertArrayEquals(epoch2, MinibatchOrder.shuffled(200, b));
    }

    @Test
    void shuffleIsRoughlyUniform() {
        // position of element 0 over many shuffles of 4: each of the 4 positions ≈ 1/4
        SplittableRandom rng = new SplittableRandom(99);
        int[] counts = new int[4];
        int trials = 40000;
        for (int t = 0; t < trials; t++) {
            int[] p = MinibatchOrder.shuffled(4, rng);
            for (int k = 0; k < 4; k++) {
                if (p[k] == 0) {
                    counts[k]++;
                }
            }
        }
        for (int c : counts) {
            assertEquals(0.25, c / (double) trials, 0.015);
        }
    }
}
