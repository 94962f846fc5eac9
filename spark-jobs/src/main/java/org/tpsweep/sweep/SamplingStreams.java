package org.tpsweep.sweep;

import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * The random streams of a sweep's draws. Each (purpose, seed, method, hyperparameter) has its own
 * {@link SplittableRandom}, seeded from the first 8 bytes of a SHA-256 of those four: the j-th draw of one
 * hyperparameter of one method depends on nothing else, so adding a method, an axis or more samples to a
 * spec leaves the existing draws as they were, on every JVM.
 */
final class SamplingStreams {

    /** Purpose of the streams of random axes ({@code uniform}, {@code log_uniform}, {@code choice}). */
    static final String AXES = "axes";
    /** Purpose of the streams of sensitivity studies. */
    static final String SENSITIVITY = "sensitivity";

    private SamplingStreams() {
    }

    /** The stream of {@code key} of {@code method} for {@code purpose} under {@code seed}. */
    static SplittableRandom of(String purpose, long seed, String method, String key) {
        String text = "tp-sweep\u0000" + purpose + "\u0000" + seed + "\u0000" + method + "\u0000" + key;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return new SplittableRandom(ByteBuffer.wrap(h, 0, 8).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
