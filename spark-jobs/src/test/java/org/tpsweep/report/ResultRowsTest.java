package org.tpsweep.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The labels of the result rows: hyperparameter values to four significant digits, without trailing zeros. */
class ResultRowsTest {
    @Test
    void valuesReadShort() {
        assertEquals("0.0001", ResultRows.short4(1e-4));
        assertEquals("1e-05", ResultRows.short4(1e-5));
        assertEquals("100", ResultRows.short4(100));
        assertEquals("1000", ResultRows.short4(1000));
        assertEquals("0.3333", ResultRows.short4(1.0 / 3));
        assertEquals("1.235e+04", ResultRows.short4(12345.6));
    }
}
