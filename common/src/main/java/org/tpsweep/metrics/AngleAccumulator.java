package org.tpsweep.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Collects the angles logged during one epoch, per (reference, layer), and turns them into {@link AngleStats}. */
public final class AngleAccumulator {
    private final Map<String, double[]> sums = new TreeMap<>();      // key "ref/layer" → {n, Σx, Σx²}

    /** Adds one logged angle (NaN angles, from a zero update, are skipped). */
    public void add(String reference, int layer, double degrees) {
        if (Double.isNaN(degrees)) {
            return;
        }
        double[] s = sums.computeIfAbsent(reference + "/" + String.format("%04d", layer), k -> new double[3]);
        s[0]++;
        s[1] += degrees;
        s[2] += degrees * degrees;
    }

    /** The statistics of everything added since the last call, labelled with {@code epoch}; then starts afresh. */
    public List<AngleStats> flush(int epoch) {
        List<AngleStats> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            String[] key = e.getKey().split("/");
            double[] s = e.getValue();
            double mean = s[1] / s[0];
            double var = Math.max(0, s[2] / s[0] - mean * mean);
            out.add(new AngleStats(epoch, Integer.parseInt(key[1]), key[0], mean, Math.sqrt(var), (int) s[0]));
        }
        sums.clear();
        return out;
    }
}
