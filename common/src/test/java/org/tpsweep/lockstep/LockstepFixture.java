package org.tpsweep.lockstep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.tpsweep.data.LabeledData;

/**
 * One lockstep fixture (tools/reference/FIXTURES.md): a few training steps of the authors' own code recorded
 * with the initial parameters, the data, every sample order and noise draw, and every parameter after every
 * optimiser step. Every field is checked when read; a missing or malformed one is an error naming the fixture
 * and the field.
 */
public final class LockstepFixture {

    /** A named array: its shape and flat C-order values. */
    public record Tensor(long[] shape, double[] values) {
    }

    /**
     * One optimiser step of the recording and every parameter after it; {@code layer} is the layer a layer-wise
     * feedback step trained ([F]'s schedule steps one layer at a time), 0 where the fixture does not say.
     */
    public record Step(String phase, int epoch, int batch, String optimizer, int layer, Map<String, double[]> params) {
        /** "phase epoch/batch optimizer", for messages. */
        public String describe() {
            return phase + " epoch " + epoch + " batch " + batch + " " + optimizer + " step"
                    + (layer > 0 ? " (layer " + layer + ")" : "");
        }
    }

    private final String name;
    private final String method;
    private final String dtype;
    private final int[] widths;
    private final Map<String, JsonNode> hyperparameters;
    private final LabeledData data;
    private final Map<String, Tensor> initial;
    private final List<int[]> orders;
    private final List<Tensor> noise;
    private final List<Step> steps;
    private final String provenance;

    private LockstepFixture(String name, JsonNode root) {
        this.name = name;
        int format = field(root, "format").asInt();
        if (format != 1) {
            throw error("format", "is " + format + "; this reader knows format 1");
        }
        this.method = text(root, "method");
        this.dtype = text(root, "dtype");
        this.widths = ints(field(root, "widths"), "widths");
        this.hyperparameters = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = field(root, "hyperparameters").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            hyperparameters.put(e.getKey(), e.getValue());
        }
        this.data = data(field(root, "data"));
        this.initial = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = field(root, "initial").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            initial.put(e.getKey(), tensor(e.getValue(), "initial." + e.getKey()));
        }
        this.orders = new ArrayList<>();
        JsonNode o = field(root, "orders");
        for (int k = 0; k < o.size(); k++) {
            orders.add(ints(o.get(k), "orders[" + k + "]"));
        }
        this.noise = new ArrayList<>();
        JsonNode nz = field(root, "noise");
        for (int k = 0; k < nz.size(); k++) {
            noise.add(tensor(nz.get(k), "noise[" + k + "]"));
        }
        this.steps = new ArrayList<>();
        JsonNode st = field(root, "steps");
        for (int k = 0; k < st.size(); k++) {
            steps.add(step(st.get(k), "steps[" + k + "]"));
        }
        this.provenance = root.path("authors_config").asText("?") + " at " + root.path("authors_commit").asText("?")
                + ", torch " + root.path("torch_version").asText("?");
    }

    /** Reads the fixture {@code lockstep/<method>.json.gz} (gzip-compressed JSON) from the test classpath. */
    public static LockstepFixture load(String method) {
        return parse(method + ".json.gz", readJson(method));
    }

    /** The parsed JSON of the fixture {@code lockstep/<method>.json.gz}. */
    public static JsonNode readJson(String method) {
        String resource = "/lockstep/" + method + ".json.gz";
        try (InputStream raw = LockstepFixture.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalArgumentException("no lockstep fixture " + resource + " on the test classpath");
            }
            try (InputStream in = new GZIPInputStream(raw)) {
                return new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("lockstep fixture " + resource + " is not gzip-compressed JSON: "
                    + e.getMessage(), e);
        }
    }

    /** A fixture from its parsed JSON; {@code name} names it in messages. */
    public static LockstepFixture parse(String name, JsonNode root) {
        return new LockstepFixture(name, root);
    }

    public String name() {
        return name;
    }

    /** tp-sweep's name of the method recorded. */
    public String method() {
        return method;
    }

    /** "float64" or "float32". */
    public String dtype() {
        return dtype;
    }

    public int[] widths() {
        return widths.clone();
    }

    /** The hyperparameters in tp-sweep's keys, as recorded. */
    public Map<String, JsonNode> hyperparameters() {
        return hyperparameters;
    }

    public LabeledData data() {
        return data;
    }

    public Map<String, Tensor> initial() {
        return initial;
    }

    public List<int[]> orders() {
        return orders;
    }

    public List<Tensor> noise() {
        return noise;
    }

    public List<Step> steps() {
        return steps;
    }

    /** Which authors' config, commit and torch version the recording came from. */
    public String provenance() {
        return provenance;
    }

    /** An error about {@code field} of this fixture. */
    public IllegalArgumentException error(String field, String what) {
        return new IllegalArgumentException("lockstep fixture " + name + ": " + field + " " + what);
    }

    private LabeledData data(JsonNode d) {
        int n = field(d, "n").asInt();
        int dim = field(d, "dim").asInt();
        int classes = field(d, "num_classes").asInt();
        double[] x = doubles(field(d, "x"), "data.x");
        int[] y = ints(field(d, "y"), "data.y");
        if (x.length != (long) n * dim) {
            throw error("data.x", "has " + x.length + " values, but n × dim = " + n + " × " + dim);
        }
        if (y.length != n) {
            throw error("data.y", "has " + y.length + " labels, but n = " + n);
        }
        float[] xf = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            xf[k] = (float) x[k];
            if (xf[k] != x[k]) {
                throw error("data.x[" + k + "]", "= " + x[k] + " is not a float32 value");
            }
        }
        for (int k = 0; k < n; k++) {
            if (y[k] < 0 || y[k] >= classes) {
                throw error("data.y[" + k + "]", "= " + y[k] + " is outside 0.." + (classes - 1));
            }
        }
        return new LabeledData(xf, y, n, dim, classes);
    }

    private Step step(JsonNode s, String where) {
        Map<String, double[]> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = field(s, "params", where).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), doubles(e.getValue(), where + ".params." + e.getKey()));
        }
        return new Step(field(s, "phase", where).asText(), field(s, "epoch", where).asInt(),
                field(s, "batch", where).asInt(), field(s, "optimizer", where).asText(), s.path("layer").asInt(0),
                params);
    }

    private Tensor tensor(JsonNode t, String where) {
        int[] shape = ints(field(t, "shape", where), where + ".shape");
        double[] values = doubles(field(t, "values", where), where + ".values");
        long count = 1;
        long[] longShape = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            count *= shape[k];
            longShape[k] = shape[k];
        }
        if (count != values.length) {
            throw error(where, "has shape " + java.util.Arrays.toString(shape) + " but " + values.length + " values");
        }
        return new Tensor(longShape, values);
    }

    private JsonNode field(JsonNode node, String key) {
        return field(node, key, null);
    }

    private JsonNode field(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(where == null ? key : where + "." + key, "is missing");
        }
        return v;
    }

    private String text(JsonNode node, String key) {
        return field(node, key).asText();
    }

    private int[] ints(JsonNode a, String where) {
        if (!a.isArray()) {
            throw error(where, "is not an array");
        }
        int[] out = new int[a.size()];
        for (int k = 0; k < out.length; k++) {
            if (!a.get(k).canConvertToInt()) {
                throw error(where + "[" + k + "]", "is not an integer: " + a.get(k));
            }
            out[k] = a.get(k).asInt();
        }
        return out;
    }

    private double[] doubles(JsonNode a, String where) {
        if (!a.isArray()) {
            throw error(where, "is not an array");
        }
        double[] out = new double[a.size()];
        for (int k = 0; k < out.length; k++) {
            if (!a.get(k).isNumber()) {
                throw error(where + "[" + k + "]", "is not a number: " + a.get(k));
            }
            out[k] = a.get(k).asDouble();
        }
        return out;
    }
}
