package org.tpsweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void seriesThatShareAColourDifferInTheirLine() {
        List<Charts.Band> lines = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            lines.add(new Charts.Band("line " + i, new double[] {0, 1}, new double[] {i, i + 1},
                    new double[] {0.1, 0.1}));
        }
        JFreeChart chart = Charts.bands("t", "epoch", "y", lines);
        XYItemRenderer r = chart.getXYPlot().getRenderer();
        for (int i = 0; i < 8; i++) {
            assertNull(((BasicStroke) r.getSeriesStroke(i)).getDashArray(), "the first 8 lines are solid");
            for (int j = 0; j < i; j++) {
                assertNotEquals(r.getSeriesPaint(i), r.getSeriesPaint(j), "the first 8 lines have their own colour");
            }
        }
        for (int i = 0; i < 9; i++) {
            int twin = i + 8;
            assertEquals(r.getSeriesPaint(i), r.getSeriesPaint(twin));
            assertFalse(Arrays.equals(((BasicStroke) r.getSeriesStroke(i)).getDashArray(),
                    ((BasicStroke) r.getSeriesStroke(twin)).getDashArray()), "line " + i + " and line " + twin);
        }
        Charts.png(chart, 200, 100);
    }
}
