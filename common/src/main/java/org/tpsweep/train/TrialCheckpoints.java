package org.tpsweep.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;

/**
 * Loading and saving a trial's {@link TrainerCheckpoint} through its {@link CheckpointStore}. A checkpoint that
 * cannot be read or belongs to another trial is ignored with a warning on stderr (the run starts from the
 * beginning and overwrites it at its first save); a save that fails is reported and the run goes on, since
 * checkpoints only shorten a rerun and must never cost a result.
 */
final class TrialCheckpoints {
    private TrialCheckpoints() {
    }

    /**
     * The saved checkpoint of {@code config}'s trial, its arrays already assigned to {@code state}; null when
     * checkpointing is off, nothing is saved, or what is saved does not fit (then with a warning).
     */
    static TrainerCheckpoint resume(Checkpointing cp, RunConfig config, TrainerState state) {
        if (!cp.enabled()) {
            return null;
        }
        TrainerCheckpoint c;
        try (InputStream in = cp.store().open()) {
            if (in == null) {
                return null;
            }
            c = TrainerCheckpoint.read(in);
        } catch (IOException e) {
            warn(cp, "cannot be read (" + e.getMessage() + ")");
            return null;
        }
        String why = misfit(config, state, c);
        if (why != null) {
            warn(cp, "does not fit trial " + config.trialId() + ": " + why);
            return null;
        }
        state.restore(c);
        return c;
    }

    /** Why checkpoint {@code c} cannot resume this trial, or null when it can. */
    private static String misfit(RunConfig config, TrainerState state, TrainerCheckpoint c) {
        if (!config.trialId().equals(c.trialId())) {
            return "it belongs to trial " + c.trialId();
        }
        if (!config.canonical().equals(c.configText())) {
            return "its config differs from this trial's";
        }
        int epochs = config.getInt(Methods.EPOCHS);
        if (c.epochsDone() < 0 || c.epochsDone() >= epochs) {
            return "it is after epoch " + c.epochsDone() + " of " + epochs;
        }
        return state.mismatch(c);
    }

    /** Saves {@code c}; a failure is reported on stderr and the run goes on. */
    static void save(Checkpointing cp, TrainerCheckpoint c) {
        try {
            cp.store().save(c::write);
        } catch (IOException | RuntimeException e) {
            System.err.println("tp-sweep: warning: checkpoint of trial " + c.trialId() + " after epoch "
                    + c.epochsDone() + " could not be saved to " + cp.store().describe() + ": " + e);
        }
    }

    /**
     * The resumes of a run resumed from {@code c}: those recorded in it, then this one ("after epoch k" or "after
     * the pre-training", with the checkpoint's code version when it differs from the running code's).
     */
    static List<String> resumes(TrainerCheckpoint c, Checkpointing cp) {
        String when = c.epochsDone() == 0 ? "after the pre-training" : "after epoch " + c.epochsDone();
        if (!Objects.equals(c.codeVersion(), cp.codeVersion())) {
            when += " from a checkpoint of code version " + (c.codeVersion() == null ? "unknown" : c.codeVersion());
        }
        List<String> all = new ArrayList<>(c.progress().resumes());
        all.add(when);
        return all;
    }

    /** The note a resumed run's result carries: "resumed after epoch 3, then after epoch 7"; empty for none. */
    static String note(List<String> resumes) {
        return resumes.isEmpty() ? "" : "resumed " + String.join(", then ", resumes);
    }

    private static void warn(Checkpointing cp, String what) {
        System.err.println("tp-sweep: warning: ignoring checkpoint " + cp.store().describe() + ": it " + what
                + "; training from the start");
    }
}
