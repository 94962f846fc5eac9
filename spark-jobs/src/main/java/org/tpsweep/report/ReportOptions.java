package org.tpsweep.report;

import org.tpsweep.config.ConfigException;

/** The size of every chart of a report, in pixels. */
public record ReportOptions(int width, int height) {
    /** Default chart width. */
    public static final int WIDTH = 800;
    /** Default chart height. */
    public static final int HEIGHT = 480;

    /** Checks the size: 200..4000 pixels each way. */
    public ReportOptions {
        for (int v : new int[] {width, height}) {
            if (v < 200 || v > 4000) {
                throw new ConfigException("chart size " + width + "x" + height + ": allowed 200..4000 pixels each way");
            }
        }
    }

    /** 800 × 480. */
    public static ReportOptions defaults() {
        return new ReportOptions(WIDTH, HEIGHT);
    }
}
