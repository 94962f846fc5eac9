package org.tpsweep.train;

/** How a training run ended. */
public enum RunStatus {
    /** Trained every epoch. */
    OK("ok"),
    /** A loss or parameter became NaN/Inf; the run stopped at that epoch. */
    DIVERGED("diverged"),
    /** An early-stop rule ended the run. */
    STOPPED("stopped"),
    /** The trainer threw an exception (class and message recorded). */
    FAILED("failed");

    private final String label;

    RunStatus(String label) {
        this.label = label;
    }

    /** The lower-case name written to tables. */
    public String label() {
        return label;
    }
}
