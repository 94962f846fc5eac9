package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tpsweep.spark.SweepJobTest;

/** The table phase's warm-up: it runs the real compaction on a scratch folder, and leaves nothing behind. */
@Tag("spark")
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class CompactionWarmUpTest {
    @AfterAll
    static void stop() {
        SweepJobTest.stop();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void itCompactsASyntheticTrialIntoAScratchFolderAndRemovesIt() throws Exception {
        SparkSession spark = SweepJobTest.reader();
        CompactionWarmUp.markCold();
        CompactionWarmUp warmUp = CompactionWarmUp.start(spark, TrialRowsTest.PLAN,
                Compactor.Scope.of(TrialRowsTest.PLAN));
        for (int k = 0; k < 1200 && !warmUp.finished(); k++) {
            Thread.sleep(100);
        }
        assertTrue(warmUp.finished(), "the warm-up ends by itself");
        for (String table : OutputTables.TABLES) {
            assertTrue(Files.isDirectory(warmUp.scratch().resolve("out").resolve(table)),
                    table + ": the warm-up went through the whole compaction");
        }
        warmUp.close();
        assertFalse(Files.exists(warmUp.scratch()), "the scratch folder is deleted");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void onceAJvmHasCompactedThereIsNothingToWarmUp() {
        CompactionWarmUp.markWarm();
        CompactionWarmUp warmUp = CompactionWarmUp.start(SweepJobTest.reader(), TrialRowsTest.PLAN,
                Compactor.Scope.of(TrialRowsTest.PLAN));
        assertTrue(warmUp.finished());
        assertNull(warmUp.scratch(), "no thread, no scratch folder");
        warmUp.close();
    }
}
