package org.tpsweep.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.tpsweep.config.ConfigException;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.TrainerCheckpoint;

/**
 * Where the sweep in an output folder stands, read from its files alone (no Spark, no spec): the plan's size from
 * {@code sweep.json}, each committed trial from {@code trials/}, each trial that stopped mid-run from its
 * checkpoint in {@code checkpoints/} (the epochs it has done and its last test error), and so how many trials
 * have not started. A run in progress and an interrupted one look the same here: both resume from their
 * checkpoints at the next {@code run}.
 *
 * @param sweep the folder's plan
 * @param committed every committed trial, by trial id
 * @param checkpointed every readable checkpoint, by trial id (a committed trial's checkpoint is stale: the next run
 *                     deletes it)
 * @param unreadable checkpoint files that cannot be read, each with why
 */
public record SweepProgress(SweepMetadata sweep, List<Committed> committed, List<Checkpointed> checkpointed,
                            Map<String, String> unreadable) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A committed trial: its status label ({@code ok}, {@code diverged}, …) and test error (NaN when none). */
    public record Committed(String trialId, String method, String dataset, long seed, String status,
                            double testError, int epochsCompleted) {
    }

    /**
     * A trial with a checkpoint: after epoch {@code epochsDone} (0: after the pre-training) of {@code epochs},
     * with the test error of its last finished epoch and the mean training seconds of its epochs so far (NaN
     * after the pre-training), written by {@code codeVersion} at {@code savedAt}.
     */
    public record Checkpointed(String trialId, String method, String dataset, long seed, int epochsDone, int epochs,
                               double lastTestError, double secondsPerEpoch, String codeVersion, Instant savedAt) {
    }

    /**
     * Reads the folder {@code out}.
     *
     * @throws ConfigException when {@code out} is not a sweep's output folder (no {@code sweep.json})
     */
    public static SweepProgress read(String out, Configuration conf) throws IOException {
        Path dir = new Path(out);
        FileSystem fs = dir.getFileSystem(conf);
        SweepMetadata sweep;
        try {
            sweep = SweepMetadata.read(fs, dir);
        } catch (IOException e) {
            throw new ConfigException("OUT " + out + ": " + SweepMetadata.FILE + " cannot be read: " + e.getMessage());
        }
        if (sweep == null) {
            throw new ConfigException("OUT " + out + " is not a sweep's output folder: it has no "
                    + SweepMetadata.FILE + " (tp-sweep run writes one before any trial starts)");
        }
        TrialStore store = new TrialStore(new Path(dir, TrialStore.DIR), conf);
        List<Committed> committed = new ArrayList<>();
        for (String id : store.committedIds()) {
            committed.add(committed(fs, store.fileOf(id), id));
        }
        CheckpointFiles files = store.checkpoints();
        List<Checkpointed> checkpointed = new ArrayList<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (String id : files.trialIds()) {
            Path file = files.fileOf(id);
            try (InputStream in = fs.open(file)) {
                checkpointed.add(checkpointed(TrainerCheckpoint.read(in),
                        Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime())));
            } catch (IOException | RuntimeException e) {
                unreadable.put(id, e.getMessage());
            }
        }
        return new SweepProgress(sweep, List.copyOf(committed), List.copyOf(checkpointed), unreadable);
    }

    /** The committed trial ids. */
    public Set<String> committedIds() {
        Set<String> ids = new java.util.TreeSet<>();
        committed.forEach(c -> ids.add(c.trialId()));
        return ids;
    }

    /** Checkpointed trials that are not committed: those that resume at the next run. */
    public List<Checkpointed> resumable() {
        Set<String> done = committedIds();
        return checkpointed.stream().filter(c -> !done.contains(c.trialId())).toList();
    }

    /** Checkpoints of committed trials (left by a run that stopped between commit and delete). */
    public List<Checkpointed> stale() {
        Set<String> done = committedIds();
        return checkpointed.stream().filter(c -> done.contains(c.trialId())).toList();
    }

    /** Planned trials with neither a committed result nor a checkpoint (never negative). */
    public int notStarted() {
        return Math.max(0, sweep.trials() - committed.size() - resumable().size());
    }

    private static Committed committed(FileSystem fs, Path file, String id) throws IOException {
        JsonNode n;
        try (InputStream in = fs.open(file)) {
            n = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            n = null;
        }
        if (n == null || !n.hasNonNull("status")) {
            return new Committed(id, "?", "?", -1, TrialStore.UNREADABLE, Double.NaN, 0);
        }
        return new Committed(id, n.path("method").asText("?"), n.path("dataset").asText("?"),
                n.path("seed").asLong(-1), n.path("status").asText(), number(n.path("test_error")),
                n.path("epochs_completed").asInt(0));
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    private static Checkpointed checkpointed(TrainerCheckpoint c, Instant savedAt) {
        Map<String, String> fields = canonicalFields(c.configText());
        List<EpochMetrics> epochs = c.progress().epochs();
        double last = epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testError();
        double seconds = epochs.stream().mapToDouble(EpochMetrics::seconds).average().orElse(Double.NaN);
        return new Checkpointed(c.trialId(), fields.getOrDefault("method", "?"), fields.getOrDefault("dataset", "?"),
                Long.parseLong(fields.getOrDefault("seed", "-1")), c.epochsDone(),
                Integer.parseInt(fields.getOrDefault("epochs", "-1")), last, seconds, c.codeVersion(), savedAt);
    }

    /** The {@code key=value} fields of a canonical config ({@code RunConfig.canonical()}). */
    static Map<String, String> canonicalFields(String canonical) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : canonical.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }
}
