package org.tpsweep.tables;

import org.tpsweep.store.Provenance;
import org.tpsweep.store.TrialOutcome;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.RunConfig;
import org.tpsweep.metrics.AngleStats;
import org.tpsweep.metrics.JacobianStats;
import org.tpsweep.metrics.RuleDiagnostic;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.TrainResult;

/**
 * Schemas of the {@code trials}, {@code epochs}, {@code angles}, {@code jacobians} and {@code diagnostics} tables and the conversion of a
 * {@link TrialOutcome} into their rows.
 *
 * <p>{@code trials}: {@code trial_id, config_id, sensitivity_draw} (true for the draws of a sensitivity study;
 * added from the plan by {@link Compactor}, not stored per trial), {@code method, dataset, seed}, one column per
 * hyperparameter of the
 * sweep's methods (null where a method lacks it), then {@code status (ok | diverged | stopped | failed),
 * message, test_error, test_error_batchavg ([M]'s batch-averaged metric at the same best epoch), best_val_error, best_epoch, final_train_loss, epochs_completed, seconds_per_epoch,
 * gn_damping_selected (the λ per hidden layer a λ-search run chose, "λ1,λ2,…"; null otherwise), started_at,
 * finished_at}, then the provenance columns {@code code_version, nd4j_backend, dtype, host, executor_id,
 * device, threads, data_sha256} ({@link Provenance}; {@code data_sha256} is null in results of older versions). A result that does not exist (a failed trial's errors, NaN in the
 * trainer's result) is null there. {@code config_id} identifies the configuration without the seed: the
 * trials of one configuration over several seeds share it.
 *
 * <p>{@code epochs}: {@code trial_id, method, dataset, seed, epoch, train_loss, train_error, val_loss,
 * val_error, test_loss, test_error, seconds, feedback_seconds, val_error_batchavg, test_error_batchavg},
 * values exactly as the trainer measured them (NaN marks a diverged loss). The errors are pooled over samples;
 * the {@code _batchavg} columns are [M]'s metric, the mean over evaluation minibatches of 128. Errors are fractions in [0, 1]; times are seconds.
 *
 * <p>{@code angles}: {@code trial_id, epoch, layer, reference, mean_deg, std_deg, n}.
 *
 * <p>{@code jacobians}: {@code trial_id, epoch} (0 = before the first training epoch){@code , layer} (2..L){@code ,
 * trace_mean, trace_std, positive_share_mean, positive_share_std, n}: [F]'s Jacobian conditions (option
 * {@code jacobians}), mean and population std over the trial's {@code n} evaluation minibatches of tr(J_f J_g) and
 * of the share of its eigenvalues with real part &gt; 0 (NaN where M was not finite).
 *
 * <p>{@code diagnostics}: {@code trial_id, epoch, layer} (0 = the whole network){@code , name, value}: a rule's own
 * per-epoch diagnostics, in long form (dtp-iterative: {@code sweeps_mean, sweeps_max, tmax_share,
 * guard_restored_share, stop_ratio} at layer 0, {@code inversion_residual} for layers 2..L, {@code kappa_mean} for
 * layers 1..L, and with contraction_diagnostics {@code contraction_radius, contraction_norm, contracting_share} for
 * layers 2..L from epoch 0 on; README "Iterative DTP"). NaN where no sample gave a finite value.
 */
public final class TrialRows {
    /** Columns that identify a trial, first in the epochs table. */
    public static final List<String> KEY_COLUMNS = List.of("trial_id", "method", "dataset", "seed");
    /** Columns first in the trials table, before the hyperparameter columns. */
    public static final List<String> TRIAL_KEY_COLUMNS = List.of("trial_id", "config_id", "method", "dataset",
            "seed");
    /** Result columns of the trials table, after the hyperparameter columns. */
    public static final List<String> TRIAL_RESULT_COLUMNS = List.of("status", "message", "test_error",
            "test_error_batchavg", "best_val_error", "best_epoch", "final_train_loss", "epochs_completed", "seconds_per_epoch",
            "gn_damping_selected", "started_at", "finished_at");
    /** Provenance columns of the trials table, last. */
    public static final List<String> PROVENANCE_COLUMNS = List.of("code_version", "nd4j_backend", "dtype", "host",
            "executor_id", "device", "threads", "data_sha256");
    /** Per-epoch columns of the epochs table, after the key columns. */
    public static final List<String> EPOCH_COLUMNS = List.of("epoch", "train_loss", "train_error", "val_loss",
            "val_error", "test_loss", "test_error", "seconds", "feedback_seconds", "val_error_batchavg",
            "test_error_batchavg");
    /** Epoch columns added after the first release: nullable, so that older trial files still compact. */
    private static final List<String> LATER_EPOCH_COLUMNS = List.of("val_error_batchavg", "test_error_batchavg");

    private TrialRows() {
    }

    /** The id of {@code config}'s configuration without its seed ({@link SweepPlan#configId(RunConfig)}). */
    public static String configId(RunConfig config) {
        return SweepPlan.configId(config);
    }

    /** Schema of the trials table for a sweep whose hyperparameter columns are {@code params}. */
    public static StructType trialsSchema(Map<String, ParamDef> params) {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("trial_id", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("config_id", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("method", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("dataset", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("seed", DataTypes.LongType, false));
        for (ParamDef p : params.values()) {
            if (TRIAL_KEY_COLUMNS.contains(p.key()) || TRIAL_RESULT_COLUMNS.contains(p.key())
                    || PROVENANCE_COLUMNS.contains(p.key())) {
                throw new IllegalStateException("hyperparameter '" + p.key() + "' clashes with a trials column");
            }
            f.add(DataTypes.createStructField(p.key(), typeOf(p), true));
        }
        f.add(DataTypes.createStructField("status", DataTypes.StringType, false));
        f.add(DataTypes.createStructField("message", DataTypes.StringType, true));
        f.add(DataTypes.createStructField("test_error", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("test_error_batchavg", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("best_val_error", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("best_epoch", DataTypes.IntegerType, true));
        f.add(DataTypes.createStructField("final_train_loss", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("epochs_completed", DataTypes.IntegerType, false));
        f.add(DataTypes.createStructField("seconds_per_epoch", DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField("gn_damping_selected", DataTypes.StringType, true));
        f.add(DataTypes.createStructField("started_at", DataTypes.TimestampType, true));
        f.add(DataTypes.createStructField("finished_at", DataTypes.TimestampType, true));
        for (String c : PROVENANCE_COLUMNS) {
            f.add(DataTypes.createStructField(c, c.equals("threads") ? DataTypes.IntegerType : DataTypes.StringType,
                    true));
        }
        return DataTypes.createStructType(f);
    }

    /** Schema of the epochs table. */
    public static StructType epochsSchema() {
        List<StructField> f = new ArrayList<>(keyFields());
        f.addAll(epochFields());
        return DataTypes.createStructType(f);
    }

    /** The per-epoch fields of the epochs table (after its key columns). */
    public static List<StructField> epochFields() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("epoch", DataTypes.IntegerType, false));
        for (String c : EPOCH_COLUMNS.subList(1, EPOCH_COLUMNS.size())) {
            f.add(DataTypes.createStructField(c, DataTypes.DoubleType, LATER_EPOCH_COLUMNS.contains(c)));
        }
        return f;
    }

    /** The trials-table row of {@code o}; {@code params} must be the map the schema was made from. */
    public static Row trialRow(TrialOutcome o, Map<String, ParamDef> params) {
        TrainResult r = o.result();
        RunConfig c = o.config();
        List<Object> v = new ArrayList<>(List.of(c.trialId(), configId(c), c.method(), c.dataset(), c.seed()));
        for (ParamDef p : params.values()) {
            v.add(c.has(p.key()) ? valueOf(p, c.params().get(p.key())) : null);
        }
        v.add(r.status().label());
        v.add(r.message() == null || r.message().isEmpty() ? null : r.message());
        v.add(orNull(r.testError()));
        v.add(orNull(r.testErrorBatchAveraged()));
        v.add(orNull(r.bestValError()));
        v.add(r.bestEpoch() > 0 ? r.bestEpoch() : null);
        v.add(orNull(r.finalTrainLoss()));
        v.add(r.epochsCompleted());
        v.add(orNull(r.secondsPerEpoch()));
        v.add(r.selectedDamping() == null || r.selectedDamping().isEmpty() ? null : r.selectedDamping());
        v.add(timestamp(r.startedAt()));
        v.add(timestamp(r.finishedAt()));
        Provenance p = o.provenance();
        v.add(p.codeVersion());
        v.add(p.nd4jBackend());
        v.add(p.dtype());
        v.add(p.host());
        v.add(p.executorId());
        v.add(p.device());
        v.add(p.threads());
        v.add(p.dataSha256());
        return RowFactory.create(v.toArray());
    }

    /** The epochs-table rows of {@code o}, one per finished epoch. */
    public static List<Row> epochRows(TrialOutcome o) {
        List<Object> key = keyValues(o);
        List<Row> rows = new ArrayList<>();
        for (EpochMetrics m : o.result().epochs()) {
            List<Object> v = new ArrayList<>(key);
            v.add(m.epoch());
            v.add(m.trainLoss());
            v.add(m.trainError());
            v.add(m.valLoss());
            v.add(m.valError());
            v.add(m.testLoss());
            v.add(m.testError());
            v.add(m.seconds());
            v.add(m.feedbackSeconds());
            v.add(m.valErrorBatchAveraged());
            v.add(m.testErrorBatchAveraged());
            rows.add(RowFactory.create(v.toArray()));
        }
        return rows;
    }

    /** Schema of the angles table: trial_id, epoch, layer, reference (bp | gnt | nullspace), mean_deg, std_deg, n. */
    public static StructType anglesSchema() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("trial_id", DataTypes.StringType, false));
        f.addAll(angleFields());
        return DataTypes.createStructType(f);
    }

    /** The fields of the angles table after {@code trial_id}. */
    public static List<StructField> angleFields() {
        return List.of(
                DataTypes.createStructField("epoch", DataTypes.IntegerType, false),
                DataTypes.createStructField("layer", DataTypes.IntegerType, false),
                DataTypes.createStructField("reference", DataTypes.StringType, false),
                DataTypes.createStructField("mean_deg", DataTypes.DoubleType, false),
                DataTypes.createStructField("std_deg", DataTypes.DoubleType, false),
                DataTypes.createStructField("n", DataTypes.IntegerType, false));
    }

    /** The angles-table rows of {@code o}, one per epoch × layer × reference. */
    public static List<Row> angleRows(TrialOutcome o) {
        List<Row> rows = new ArrayList<>();
        for (AngleStats a : o.result().angles()) {
            rows.add(RowFactory.create(o.config().trialId(), a.epoch(), a.layer(), a.reference(), a.meanDeg(),
                    a.stdDeg(), a.n()));
        }
        return rows;
    }

    /** Schema of the jacobians table: trial_id, then {@link #jacobianFields()}. */
    public static StructType jacobiansSchema() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("trial_id", DataTypes.StringType, false));
        f.addAll(jacobianFields());
        return DataTypes.createStructType(f);
    }

    /** The fields of the jacobians table after {@code trial_id}. */
    public static List<StructField> jacobianFields() {
        return List.of(
                DataTypes.createStructField("epoch", DataTypes.IntegerType, false),
                DataTypes.createStructField("layer", DataTypes.IntegerType, false),
                DataTypes.createStructField("trace_mean", DataTypes.DoubleType, false),
                DataTypes.createStructField("trace_std", DataTypes.DoubleType, false),
                DataTypes.createStructField("positive_share_mean", DataTypes.DoubleType, false),
                DataTypes.createStructField("positive_share_std", DataTypes.DoubleType, false),
                DataTypes.createStructField("n", DataTypes.IntegerType, false));
    }

    /** The jacobians-table rows of {@code o}, one per epoch × layer (none when the trial did not measure them). */
    public static List<Row> jacobianRows(TrialOutcome o) {
        List<Row> rows = new ArrayList<>();
        for (JacobianStats j : o.result().jacobians()) {
            rows.add(RowFactory.create(o.config().trialId(), j.epoch(), j.layer(), j.traceMean(), j.traceStd(),
                    j.positiveShareMean(), j.positiveShareStd(), j.n()));
        }
        return rows;
    }

    /** Schema of the diagnostics table: trial_id, then {@link #diagnosticFields()}. */
    public static StructType diagnosticsSchema() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("trial_id", DataTypes.StringType, false));
        f.addAll(diagnosticFields());
        return DataTypes.createStructType(f);
    }

    /** The fields of the diagnostics table after {@code trial_id}. */
    public static List<StructField> diagnosticFields() {
        return List.of(
                DataTypes.createStructField("epoch", DataTypes.IntegerType, false),
                DataTypes.createStructField("layer", DataTypes.IntegerType, false),
                DataTypes.createStructField("name", DataTypes.StringType, false),
                DataTypes.createStructField("value", DataTypes.DoubleType, false));
    }

    /** The diagnostics-table rows of {@code o}, one per epoch × layer × name (none for rules without them). */
    public static List<Row> diagnosticRows(TrialOutcome o) {
        List<Row> rows = new ArrayList<>();
        for (RuleDiagnostic d : o.result().diagnostics()) {
            rows.add(RowFactory.create(o.config().trialId(), d.epoch(), d.layer(), d.name(), d.value()));
        }
        return rows;
    }

    private static List<StructField> keyFields() {
        return List.of(
                DataTypes.createStructField("trial_id", DataTypes.StringType, false),
                DataTypes.createStructField("method", DataTypes.StringType, false),
                DataTypes.createStructField("dataset", DataTypes.StringType, false),
                DataTypes.createStructField("seed", DataTypes.LongType, false));
    }

    private static List<Object> keyValues(TrialOutcome o) {
        return List.of(o.config().trialId(), o.config().method(), o.config().dataset(), o.config().seed());
    }

    private static DataType typeOf(ParamDef p) {
        return switch (p.type()) {
            case DOUBLE -> DataTypes.DoubleType;
            case INT -> DataTypes.IntegerType;
            case BOOLEAN -> DataTypes.BooleanType;
            case CHOICE, DOUBLE_LIST -> DataTypes.StringType;
        };
    }

    private static Object valueOf(ParamDef p, Object raw) {
        if (raw == null) {
            return null;
        }
        return switch (p.type()) {
            case DOUBLE -> ((Number) raw).doubleValue();
            case INT -> ((Number) raw).intValue();
            case BOOLEAN -> (Boolean) raw;
            case CHOICE, DOUBLE_LIST -> raw.toString();
        };
    }

    private static Double orNull(double d) {
        return Double.isNaN(d) ? null : d;
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
