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
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
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
 * plan), {@code code_version} (of that first run; each trial row carries its own) and {@code data_sha256} (per
 * dataset, the digest of the files its trials read, {@code DataDigests}; absent in files of older versions,
 * then empty here).
 */
public record SweepMetadata(String name, String trialSetHash, int trials, String createdAt, String codeVersion,
                            Map<String, String> dataSha256) {
    /** File name in the output folder. */
    public static final String FILE = "sweep.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA_FIELD = "data_sha256";

    /** The metadata, its data digests sorted by dataset (null: none). */
    public SweepMetadata {
        dataSha256 = Collections.unmodifiableSortedMap(new TreeMap<>(dataSha256 == null ? Map.of() : dataSha256));
    }

    /** The metadata of {@code plan} on data with the digests {@code dataSha256} (per dataset), created now. */
    public static SweepMetadata of(SweepPlan plan, String codeVersion, Map<String, String> dataSha256) {
        return new SweepMetadata(plan.name(), trialSetHash(plan.trials().stream().map(RunConfig::trialId).toList()),
                plan.trials().size(), Instant.now().toString(), codeVersion, dataSha256);
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
     * Why trials of {@code planned} must not join the results of this (found) metadata: the first dataset whose
     * digest both record and that differs, as "dataset 'D' ... SHA-256 A ..., the data now has SHA-256 B"; null
     * when none differs (a dataset that this one does not record is accepted).
     */
    public String dataChange(SweepMetadata planned) {
        for (Map.Entry<String, String> e : planned.dataSha256.entrySet()) {
            String was = dataSha256.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                return "dataset '" + e.getKey() + "' had SHA-256 " + was + " there (" + FILE + "), the data now has "
                        + "SHA-256 " + e.getValue();
            }
        }
        return null;
    }

    /** This metadata with the data digests {@code more} added (replacing those of the same datasets). */
    public SweepMetadata withData(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(dataSha256);
        all.putAll(more);
        return new SweepMetadata(name, trialSetHash, trials, createdAt, codeVersion, all);
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
            Map<String, String> data = new TreeMap<>();
            n.path(DATA_FIELD).fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            return new SweepMetadata(text(n, "name"), text(n, "trial_set_hash"), n.path("trials").asInt(),
                    text(n, "created_at"), text(n, "code_version"), data);
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
        dataSha256.forEach(n.putObject(DATA_FIELD)::put);
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
