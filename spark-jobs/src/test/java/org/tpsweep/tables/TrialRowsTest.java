package org.tpsweep.tables;

import org.tpsweep.store.Provenance;
import org.tpsweep.store.TrialOutcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ParamDef;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;
import org.tpsweep.train.EpochMetrics;
import org.tpsweep.train.RunStatus;
import org.tpsweep.train.TrainResult;

public class TrialRowsTest {

    public static final SweepPlan PLAN = SweepPlan.expand(SweepSpec.parse(
            "dataset: mnist\nseeds: [7]\nmethods: {bp: {}, ddtp-linear: {}}\n", "s.yaml", "s"));

    @Test
    void hyperparameterColumnsAreTheUnionOfTheMethodsAndMissingOnesAreNull() {
        Map<String, ParamDef> cols = PLAN.parameterColumns();
        List<String> names = List.of(TrialRows.trialsSchema(cols).fieldNames());
        assertEquals(List.of("trial_id", "config_id", "method", "dataset", "seed"), names.subList(0, 5));
        int results = TrialRows.TRIAL_RESULT_COLUMNS.size();
        int provenance = TrialRows.PROVENANCE_COLUMNS.size();
        assertEquals(TrialRows.TRIAL_RESULT_COLUMNS,
                names.subList(names.size() - provenance - results, names.size() - provenance));
        assertEquals(TrialRows.PROVENANCE_COLUMNS, names.subList(names.size() - provenance, names.size()));
        assertEquals(5 + cols.size() + results + provenance, names.size());

        RunConfig bp = PLAN.trials().get(0);
        Row row = TrialRows.trialRow(new TrialOutcome(bp, result(RunStatus.OK, 0.25)), cols);
        assertNull(row.get(names.indexOf("sigma")));
        assertEquals(bp.getDouble("lr"), row.getDouble(names.indexOf("lr")));
        assertEquals(7L, row.getLong(names.indexOf("seed")));
        assertEquals(0.25, row.getDouble(names.indexOf("test_error")));
        assertEquals(0.31, row.getDouble(names.indexOf("test_error_batchavg")));   // the best epoch's (epoch 2)
        assertEquals("ok", row.getString(names.indexOf("status")));
        assertEquals(SweepPlan.configId(bp), row.getString(names.indexOf("config_id")));
        assertNull(row.get(names.indexOf("host")), "synthetic outcome: provenance unknown");

        Provenance p = new Provenance("abc", "CpuBackend", "float64", "h", "3", "cpu", 2, "d16e");
        Row withProvenance = TrialRows.trialRow(new TrialOutcome(bp, result(RunStatus.OK, 0.25), p), cols);
        assertEquals(List.of("abc", "CpuBackend", "float64", "h", "3", "cpu", 2, "d16e"),
                List.of(withProvenance.get(names.indexOf("code_version")), withProvenance.get(names.indexOf("nd4j_backend")),
                        withProvenance.get(names.indexOf("dtype")), withProvenance.get(names.indexOf("host")),
                        withProvenance.get(names.indexOf("executor_id")), withProvenance.get(names.indexOf("device")),
                        withProvenance.get(names.indexOf("threads")), withProvenance.get(names.indexOf("data_sha256"))));
        assertEquals("string", TrialRows.trialsSchema(cols).apply("data_sha256").dataType().typeName());

        RunConfig ddtp = PLAN.trials().get(1);
        Row failed = TrialRows.trialRow(new TrialOutcome(ddtp, result(RunStatus.FAILED, Double.NaN)), cols);
        assertEquals(ddtp.getDouble("sigma"), failed.getDouble(names.indexOf("sigma")));
        assertNull(failed.get(names.indexOf("test_error")));
        assertNull(failed.get(names.indexOf("test_error_batchavg")));
        assertEquals("failed", failed.getString(names.indexOf("status")));
    }

    @Test
    void configIdIsSharedByTheSeedsOfOneConfigurationOnly() {
        RunConfig a = PLAN.trials().get(0);
        RunConfig otherSeed = new RunConfig(a.method(), a.dataset(), 8, a.params());
        assertEquals(TrialRows.configId(a), TrialRows.configId(otherSeed));
        assertNotEquals(a.trialId(), otherSeed.trialId());
        assertNotEquals(TrialRows.configId(a), TrialRows.configId(a.with("lr", 0.5)));
        assertNotEquals(TrialRows.configId(a), TrialRows.configId(PLAN.trials().get(1)));
    }

    @Test
    void oneEpochRowPerEpoch() {
        RunConfig bp = PLAN.trials().get(0);
        List<Row> rows = TrialRows.epochRows(new TrialOutcome(bp, result(RunStatus.OK, 0.25)));
        assertEquals(2, rows.size());
        assertEquals(List.of(TrialRows.epochsSchema().fieldNames()).size(), rows.get(0).size());
        assertEquals(bp.trialId(), rows.get(1).getString(0));
        assertEquals(2, rows.get(1).getInt(4));
        assertEquals(0.3, rows.get(1).getDouble(10));
        List<String> names = List.of(TrialRows.epochsSchema().fieldNames());
        assertEquals(0.21, rows.get(1).getDouble(names.indexOf("val_error_batchavg")));
        assertEquals(0.31, rows.get(1).getDouble(names.indexOf("test_error_batchavg")));
    }

    public static TrainResult result(RunStatus status, double testError) {
        List<EpochMetrics> epochs = status == RunStatus.FAILED ? List.of() : List.of(
                new EpochMetrics(1, 1.0, 0.5, 1.1, 0.4, 1.2, 0.45, 2.0, 0.0, 0.41, 0.46),
                new EpochMetrics(2, 0.5, 0.2, 0.6, 0.2, 0.7, 0.3, 2.0, 0.0, 0.21, 0.31));
        return new TrainResult(status, status == RunStatus.FAILED ? "X: boom" : "", epochs, 2, testError, 0.2, 0.5,
                2.0, Instant.EPOCH, Instant.EPOCH, List.of(), "");
    }
}
