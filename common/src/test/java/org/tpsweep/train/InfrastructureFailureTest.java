package org.tpsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;
import org.tpsweep.data.InvalidDataException;

/** Which failures of a trial are the infrastructure's (thrown, retried) and which the trial's (recorded). */
class InfrastructureFailureTest {
    @Test
    void outOfMemoryIoAndNativeRuntimeErrorsAreInfrastructure() {
        assertTrue(InfrastructureFailure.isInfrastructure(new OutOfMemoryError("Java heap space")));
        assertTrue(InfrastructureFailure.isInfrastructure(new UncheckedIOException(new IOException("disk"))));
        assertTrue(InfrastructureFailure.isInfrastructure(new IllegalStateException("wrapped",
                new IOException("Input/output error"))));
        assertTrue(InfrastructureFailure.isInfrastructure(new RuntimeException("cudaMalloc failed: out of memory")));
        assertTrue(InfrastructureFailure.isInfrastructure(new RuntimeException("CUBLAS_STATUS_EXECUTION_FAILED in "
                + "cublas gemm")), "a cuBLAS error message");
    }

    @Test
    void errorsOfTheTrialAndBadDataAreNot() {
        assertFalse(InfrastructureFailure.isInfrastructure(new IllegalArgumentException("shapes [3, 4] and [5, 6]")));
        assertFalse(InfrastructureFailure.isInfrastructure(new ConfigException("fw-dtp: norm_gamma must be > 0")));
        assertFalse(InfrastructureFailure.isInfrastructure(new InvalidDataException("x: truncated",
                new EOFException())), "a truncated data file fails the same way every time");
    }

    @Test
    void guardedRecordsTrialErrorsAndThrowsInfrastructureFailures() {
        TrainResult failed = TrialRunner.guarded(() -> {
            throw new IllegalArgumentException("invalid combination");
        });
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("IllegalArgumentException: invalid combination", failed.message());

        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        InfrastructureFailure thrown = assertThrows(InfrastructureFailure.class, () -> TrialRunner.guarded(() -> {
            throw oom;
        }));
        assertEquals("OutOfMemoryError: Java heap space", thrown.getMessage());
        assertEquals(null, thrown.getCause(), "no fatal error in the cause chain (Spark would kill the executor)");
        assertEquals(List.of(oom.getStackTrace()), List.of(thrown.getStackTrace()));
    }
}
