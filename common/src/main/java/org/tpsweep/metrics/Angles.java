package org.tpsweep.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The alignment angle of [M] (ALGORITHMS.md §4): angle(A, B) = arccos(⟨A, B⟩_F / (‖A‖_F ‖B‖_F)) in degrees,
 * a cosine above 1 by at most 1e-5 (rounding) clipped to 1.
 */
public final class Angles {
    private Angles() {
    }

    /** The angle between two equally shaped arrays in degrees; NaN when either is zero. */
    public static double degrees(INDArray a, INDArray b) {
        double dot = a.mul(b).sumNumber().doubleValue();
        double norms = a.norm2Number().doubleValue() * b.norm2Number().doubleValue();
        if (norms == 0) {
            return Double.NaN;
        }
        double cos = dot / norms;
        if (cos > 1 && cos <= 1 + 1e-5) {
            cos = 1;
        } else if (cos < -1 && cos >= -1 - 1e-5) {
            cos = -1;
        }
        return Math.toDegrees(Math.acos(cos));
    }
}
