package org.tpsweep.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;

/**
 * {@code OUT/sweep.json}: which sweep an output folder holds, so that a second {@code run} into it resumes the
 * same plan and refuses a different one. Fields: {@code name} (the spec's name), {@code trial_set_hash}
 * (SHA-256 over the plan's sorted trial ids, one per line: two plans are "the same" exactly when their sets
 * of trials are), {@code trials} (how many), {@code created_at} (ISO-8601, when the folder first took this
 * plan) and {@code code_version} (of that first run; each trial row carries its own).
 */
public record SweepMetadata(String name, String trialSetHash, int trials, String createdAt, String codeVersion) {
    /** File name in the output folder. */
    public static final String FILE = "sweep.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The metadata of {@code plan}, created now. */
    public static SweepMetadata of(SweepPlan plan, String codeVersion) {
        return new SweepMetadata(plan.name(), trialSetHash(plan.trials().stream().map(RunConfig::trialId).toList()),
                plan.trials().size(), Instant.now().toString(), codeVersion);
    }

    /** SHA-256 (hex) of the sorted distinct {@code trialIds}, joined by newlines. */
    public static String trialSetHash(Collection<String> trialIds) {
        String joined = String.join("\n", new TreeSet<>(trialIds));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code other} describes the same set of trials. */
    public boolean samePlan(SweepMetadata other) {
        return other != null && trialSetHash.equals(other.trialSetHash);
    }

    /**
     * Reads {@code dir/sweep.json}; null when absent.
     *
     * @throws IOException when it cannot be read or parsed
     */
    public static SweepMetadata read(FileSystem fs, Path dir) throws IOException {
        try (FSDataInputStream in = fs.open(new Path(dir, FILE))) {
            JsonNode n = JSON.readTree(in);
            if (n == null || !n.hasNonNull("trial_set_hash")) {
                throw new IOException(FILE + " has no trial_set_hash");
            }
            return new SweepMetadata(text(n, "name"), text(n, "trial_set_hash"), n.path("trials").asInt(),
                    text(n, "created_at"), text(n, "code_version"));
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /** Writes {@code dir/sweep.json} (temporary file, then rename over the old one). */
    public void write(FileSystem fs, Path dir) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("trial_set_hash", trialSetHash);
        n.put("trials", trials);
        n.put("created_at", createdAt);
        n.put("code_version", codeVersion);
        Path tmp = new Path(dir, "." + FILE + ".tmp");
        Path target = new Path(dir, FILE);
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
            out.write('\n');
        }
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
            throw new IOException("could not rename " + tmp + " to " + target);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
