package org.tpsweep.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import org.tpsweep.config.ConfigException;
import org.tpsweep.data.InvalidDataException;

/**
 * A trial that could not run for a reason outside the trial itself: out of memory, an I/O error reading its data,
 * an error of ND4J's native or CUDA runtime. {@link TrialRunner} throws it (rather than recording {@code failed}),
 * so that the sweep engine runs the trial again elsewhere; only a trial that fails like this on every attempt is
 * recorded {@code failed}. Everything else a trial throws (an invalid combination found at run time, a shape
 * error) is an error of the trial and is recorded at once.
 */
public final class InfrastructureFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Packages whose exceptions come from ND4J's native back-ends or JavaCPP, not from the trial's own logic. */
    private static final Pattern NATIVE_PACKAGES = Pattern.compile(
            "^(org\\.bytedeco\\.|org\\.nd4j\\.nativeblas\\.|org\\.nd4j\\.linalg\\.jcublas\\.|org\\.nd4j\\.jita\\.).*");
    /** Messages of native runtime failures (CUDA, cuBLAS, cuDNN, device allocation). */
    private static final Pattern NATIVE_MESSAGES = Pattern.compile(
            "(?i).*\\b(cuda|cublas|cudnn|cudaMalloc|device memory|out of memory)\\b.*", Pattern.DOTALL);

    /**
     * {@code cause}, which {@link #isInfrastructure} accepted. An {@link Error} (out of memory) is described and
     * its stack trace kept, but it is not chained as the cause: Spark kills an executor whose task failure has a
     * fatal error in its cause chain, and in local mode the executor is the driver.
     */
    public InfrastructureFailure(Throwable cause) {
        super(describe(cause), cause instanceof Error ? null : cause);
        if (cause instanceof Error) {
            setStackTrace(cause.getStackTrace());
        }
    }

    /** "ExceptionClass: message" of {@code t}, as trial failures are recorded. */
    public static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * Whether {@code t} is a failure of the infrastructure: an {@link OutOfMemoryError}, an {@link IOException}
     * (also wrapped), or an exception of ND4J's native/CUDA runtime, anywhere in its cause chain above the first
     * {@link InvalidDataException} or {@link ConfigException} (bad data or settings fail the same way on every
     * attempt: errors of the trial).
     */
    public static boolean isInfrastructure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InvalidDataException || c instanceof ConfigException) {
                return false;
            }
            if (c instanceof InfrastructureFailure || c instanceof OutOfMemoryError || c instanceof IOException
                    || c instanceof UncheckedIOException
                    || NATIVE_PACKAGES.matcher(c.getClass().getName()).matches()
                    || (c.getMessage() != null && NATIVE_MESSAGES.matcher(c.getMessage()).matches())) {
                return true;
            }
        }
        return false;
    }
}
