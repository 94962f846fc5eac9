package org.tpsweep.nn;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J workspace for the temporaries of one minibatch step: every array allocated while it is open lives in
 * one reused off-heap block that is reset when the step ends. Without it each step allocates and frees
 * megabytes of native memory, and the kernel's page zeroing then costs more than the gemms. Arrays that must
 * outlive the step (parameters, gradient buffers, optimiser moments) are allocated outside it; nothing
 * allocated inside may be kept after {@link MemoryWorkspace#close()}. Workspaces are per thread.
 */
public final class StepWorkspace {
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.3)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .build();

    private StepWorkspace() {
    }

    /** Opens this thread's step workspace named {@code name}; close it (try-with-resources) when the step ends. */
    public static MemoryWorkspace open(String name) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, name);
    }
}
