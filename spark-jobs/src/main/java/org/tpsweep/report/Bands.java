package org.tpsweep.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/** Collected aggregate rows (one per panel × line × x, already means and spreads) as chart lines by panel. */
final class Bands {
    private Bands() {
    }

    /**
     * The rows grouped by {@code panel}, then {@code line} (in the rows' order), as lines of x {@code x}, mean
     * {@code mean} and spread {@code spread} (null spread: no band); rows with a null mean are left out.
     */
    static Map<String, List<Charts.Band>> of(List<Row> rows, Function<Row, String> panel, Function<Row, String> line,
                                             String x, String mean, String spread) {
        Map<String, Map<String, List<double[]>>> points = new LinkedHashMap<>();
        for (Row r : rows) {
            Object m = r.getAs(mean);
            if (m == null) {
                continue;
            }
            Object s = r.getAs(spread);
            points.computeIfAbsent(panel.apply(r), k -> new LinkedHashMap<>())
                    .computeIfAbsent(line.apply(r), k -> new ArrayList<>())
                    .add(new double[] {((Number) r.getAs(x)).doubleValue(), ((Number) m).doubleValue(),
                            s == null ? Double.NaN : ((Number) s).doubleValue()});
        }
        Map<String, List<Charts.Band>> out = new LinkedHashMap<>();
        points.forEach((p, lines) -> {
            List<Charts.Band> bands = new ArrayList<>();
            new java.util.TreeMap<>(lines).forEach((label, pts) -> {
                double[] xs = new double[pts.size()];
                double[] ms = new double[pts.size()];
                double[] ss = new double[pts.size()];
                for (int i = 0; i < pts.size(); i++) {
                    xs[i] = pts.get(i)[0];
                    ms[i] = pts.get(i)[1];
                    ss[i] = pts.get(i)[2];
                }
                bands.add(new Charts.Band(label, xs, ms, ss));
            });
            out.put(p, bands);
        });
        return out;
    }
}
