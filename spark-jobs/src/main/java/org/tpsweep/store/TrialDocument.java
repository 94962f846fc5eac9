package org.tpsweep.store;

import org.tpsweep.tables.TrialRows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.tpsweep.config.Methods;
import org.tpsweep.config.ParamDef;

/**
 * The durable form of one finished trial: a single-line JSON object whose fields are the trial's
 * {@link TrialRows trials-table} columns (the hyperparameters of its own method only), plus
 * {@code epoch_metrics} (an array of objects with the epochs table's per-epoch columns) and
 * {@code angle_stats} (an array of objects with the angles table's columns after {@code trial_id}) and
 * {@code jacobian_stats} (likewise for the jacobians table; absent in documents of older versions) and
 * {@code rule_diagnostics} (likewise for the diagnostics table; absent in older documents). Timestamps are strings in {@value #TIMESTAMP_FORMAT}
 * (UTC); a non-finite number is the string {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}, which
 * Spark's JSON reader turns back into the double. {@link #readSchema} reads these documents with Spark.
 */
public final class TrialDocument {
    /** Pattern of the timestamps in a document (also the {@code timestampFormat} to read them with). */
    public static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX";
    /** Name of the epochs array (not "epochs": that is a hyperparameter). */
    public static final String EPOCHS = "epoch_metrics";
    /** Name of the angles array. */
    public static final String ANGLES = "angle_stats";
    /** Name of the Jacobian-conditions array. */
    public static final String JACOBIANS = "jacobian_stats";
    /** Name of the rule-diagnostics array (dtp-iterative's; absent in documents of older versions). */
    public static final String DIAGNOSTICS = "rule_diagnostics";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(TIMESTAMP_FORMAT).withZone(ZoneOffset.UTC);

    private TrialDocument() {
    }

    /** The document of {@code o}, one line of JSON. */
    static String encode(TrialOutcome o) {
        Map<String, ParamDef> own = Methods.get(o.config().method()).byKey();
        ObjectNode doc = JSON.createObjectNode();
        put(doc, TrialRows.trialsSchema(own).fields(), TrialRows.trialRow(o, own), 0);
        ArrayNode epochs = doc.putArray(EPOCHS);
        int keys = TrialRows.KEY_COLUMNS.size();
        for (Row r : TrialRows.epochRows(o)) {
            put(epochs.addObject(), TrialRows.epochFields().toArray(StructField[]::new), r, keys);
        }
        ArrayNode angles = doc.putArray(ANGLES);
        for (Row r : TrialRows.angleRows(o)) {
            put(angles.addObject(), TrialRows.angleFields().toArray(StructField[]::new), r, 1);
        }
        ArrayNode jacobians = doc.putArray(JACOBIANS);
        for (Row r : TrialRows.jacobianRows(o)) {
            put(jacobians.addObject(), TrialRows.jacobianFields().toArray(StructField[]::new), r, 1);
        }
        ArrayNode diagnostics = doc.putArray(DIAGNOSTICS);
        for (Row r : TrialRows.diagnosticRows(o)) {
            put(diagnostics.addObject(), TrialRows.diagnosticFields().toArray(StructField[]::new), r, 1);
        }
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trial " + o.config().trialId() + " cannot be written as JSON", e);
        }
    }

    /** The {@code status} field of a document, or null when it has none. */
    static String status(String json) throws IOException {
        JsonNode n = JSON.readTree(json).get("status");
        return n == null || n.isNull() ? null : n.asText();
    }

    /**
     * Schema to read documents of a sweep with the hyperparameter columns {@code params}: the trials table's
     * columns plus the {@code epoch_metrics}, {@code angle_stats} and {@code jacobian_stats} arrays.
     */
    public static StructType readSchema(Map<String, ParamDef> params) {
        List<StructField> f = new ArrayList<>(List.of(TrialRows.trialsSchema(params).fields()));
        if (params.containsKey(EPOCHS) || params.containsKey(ANGLES) || params.containsKey(JACOBIANS)
                || params.containsKey(DIAGNOSTICS)) {
            throw new IllegalStateException("a hyperparameter clashes with " + EPOCHS + ", " + ANGLES + ", "
                    + JACOBIANS + " or " + DIAGNOSTICS);
        }
        f.add(DataTypes.createStructField(EPOCHS, DataTypes.createArrayType(
                DataTypes.createStructType(TrialRows.epochFields())), true));
        f.add(DataTypes.createStructField(ANGLES, DataTypes.createArrayType(
                DataTypes.createStructType(TrialRows.angleFields())), true));
        f.add(DataTypes.createStructField(JACOBIANS, DataTypes.createArrayType(
                DataTypes.createStructType(TrialRows.jacobianFields())), true));
        f.add(DataTypes.createStructField(DIAGNOSTICS, DataTypes.createArrayType(
                DataTypes.createStructType(TrialRows.diagnosticFields())), true));
        return DataTypes.createStructType(f);
    }

    private static void put(ObjectNode node, StructField[] fields, Row row, int offset) {
        for (int i = 0; i < fields.length; i++) {
            String name = fields[i].name();
            Object v = row.get(offset + i);
            if (v == null) {
                node.putNull(name);
            } else if (v instanceof String s) {
                node.put(name, s);
            } else if (v instanceof Long l) {
                node.put(name, l);
            } else if (v instanceof Integer n) {
                node.put(name, n);
            } else if (v instanceof Double d) {
                node.put(name, d);
            } else if (v instanceof Boolean b) {
                node.put(name, b);
            } else if (v instanceof Timestamp t) {
                node.put(name, TIME.format(t.toInstant()));
            } else {
                throw new IllegalStateException("column " + name + ": unexpected value type " + v.getClass());
            }
        }
    }
}
