package org.tpsweep.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run's whole state after a finished epoch ({@code epochsDone}; 0: after the pre-training): the trial it
 * belongs to (its id and canonical config), the code version that wrote it, how many passes the sample order
 * has made, where the noise stream stands, each optimiser's step count, every trained array by name (weights,
 * feedback weights, the rule's own trained arrays, the optimisers' moments) and the measurements so far.
 *
 * <p>File format (version {@value #VERSION}, big-endian {@link DataOutputStream}): the magic line, the version,
 * the strings and counters, the step counts, each array as its name and ND4J's own binary form
 * ({@link Nd4j#write(INDArray, DataOutputStream)}, dtype and shape included), the progress as a length-prefixed
 * Java-serialized {@link TrainingProgress}, and an end mark, so that a cut-off file is recognised.
 */
public record TrainerCheckpoint(String trialId, String configText, String codeVersion, int epochsDone,
                                long shufflePasses, long noisePosition, Map<String, Long> steps,
                                Map<String, INDArray> arrays, TrainingProgress progress) {
    private static final String MAGIC = "tp-sweep trainer checkpoint";
    private static final String END = "end of checkpoint";
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    private static final ObjectInputFilter PROGRESS_CLASSES = ObjectInputFilter.Config.createFilter(
            "org.tpsweep.train.*;org.tpsweep.metrics.*;java.util.*;java.time.*;java.lang.*;!*");

    public TrainerCheckpoint {
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /** Writes the checkpoint to {@code out} (the arrays as they are now; the stream is not closed). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeUTF(MAGIC);
        d.writeInt(VERSION);
        d.writeUTF(trialId);
        writeLongString(d, configText);
        d.writeUTF(codeVersion == null ? "" : codeVersion);
        d.writeInt(epochsDone);
        d.writeLong(shufflePasses);
        d.writeLong(noisePosition);
        d.writeInt(steps.size());
        for (Map.Entry<String, Long> e : steps.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeLong(e.getValue());
        }
        d.writeInt(arrays.size());
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            d.writeUTF(e.getKey());
            INDArray a = e.getValue();
            Nd4j.write(a.isView() ? a.dup() : a, d);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(progress);
        }
        d.writeInt(bytes.size());
        bytes.writeTo(d);
        d.writeUTF(END);
        d.flush();
    }

    /**
     * Reads a checkpoint written by {@link #write}.
     *
     * @throws IOException when the stream is not a complete checkpoint of this format version
     */
    public static TrainerCheckpoint read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        try {
            String magic = d.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException("not a tp-sweep trainer checkpoint");
            }
            int version = d.readInt();
            if (version != VERSION) {
                throw new IOException("checkpoint format version " + version + ", this code reads " + VERSION);
            }
            String trialId = d.readUTF();
            String configText = readLongString(d);
            String code = d.readUTF();
            int epochsDone = d.readInt();
            long passes = d.readLong();
            long noise = d.readLong();
            Map<String, Long> steps = new LinkedHashMap<>();
            int nSteps = count(d.readInt(), "step counts");
            for (int k = 0; k < nSteps; k++) {
                steps.put(d.readUTF(), d.readLong());
            }
            Map<String, INDArray> arrays = new LinkedHashMap<>();
            int nArrays = count(d.readInt(), "arrays");
            for (int k = 0; k < nArrays; k++) {
                String name = d.readUTF();
                arrays.put(name, Nd4j.read(d));
            }
            byte[] progressBytes = new byte[bounded(d.readInt(), "progress bytes")];
            d.readFully(progressBytes);
            TrainingProgress progress;
            try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(progressBytes))) {
                o.setObjectInputFilter(PROGRESS_CLASSES);
                progress = (TrainingProgress) o.readObject();
            } catch (ClassNotFoundException | ClassCastException e) {
                throw new IOException("checkpoint progress unreadable: " + e, e);
            }
            if (!END.equals(d.readUTF())) {
                throw new IOException("checkpoint lacks its end mark");
            }
            return new TrainerCheckpoint(trialId, configText, code.isEmpty() ? null : code, epochsDone, passes,
                    noise, steps, arrays, progress);
        } catch (java.io.EOFException e) {
            throw new IOException("checkpoint is cut off", e);
        } catch (RuntimeException e) {                 // ND4J's reader on bytes that are no array
            throw new IOException("checkpoint unreadable: " + e, e);
        }
    }

    private static int count(int n, String what) throws IOException {
        if (n < 0) {
            throw new IOException("checkpoint has a negative count of " + what + ": " + n);
        }
        return n;
    }

    /** {@code n} as a length to allocate: refused when negative or over 1 GiB (a damaged file). */
    private static int bounded(int n, String what) throws IOException {
        if (count(n, what) > 1 << 30) {
            throw new IOException("checkpoint claims " + n + " " + what);
        }
        return n;
    }

    /** A string of any length (writeUTF stops at 64 KiB): its UTF-8 length, then the bytes. */
    private static void writeLongString(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    private static String readLongString(DataInputStream d) throws IOException {
        byte[] b = new byte[bounded(d.readInt(), "config bytes")];
        d.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
