package org.tpsweep.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.RunConfig;
import org.tpsweep.sweep.SweepPlan;
import org.tpsweep.sweep.SweepSpec;

/** What a plan hands the compaction: its trials, and which configurations are a sensitivity study's draws. */
class CompactorScopeTest {
    @Test
    void drawsAreTheStudysConfigurationsWithoutItsBaseOrOtherMethods() {
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse("""
                datasets: [mnist, fashion-mnist]
                seeds: [1, 2]
                methods:
                  bp: {lr: [0.001, 0.01]}
                  dtp:
                    sensitivity: {params: [lr, sigma], samples: 4, include_base: true}
                """, "spec.yaml", "spec"));
        Compactor.Scope scope = Compactor.Scope.of(plan);

        assertEquals(plan.trials().stream().map(RunConfig::trialId).collect(Collectors.toSet()), scope.trialIds());
        // Per dataset: 4 draws of dtp; not its base configuration, not bp's grid.
        assertEquals(8, scope.sensitivityConfigs().size());
        Set<String> dtpConfigs = plan.entries().stream().filter(t -> t.config().method().equals("dtp"))
                .map(SweepPlan.Trial::configId).collect(Collectors.toSet());
        assertEquals(10, dtpConfigs.size());
        assertTrue(dtpConfigs.containsAll(scope.sensitivityConfigs()));
        plan.entries().stream().filter(t -> t.config().method().equals("bp"))
                .forEach(t -> assertFalse(scope.sensitivityConfigs().contains(t.configId())));
        assertEquals(List.of("mnist", "fashion-mnist"), scope.datasets());
        assertEquals(List.of("bp", "dtp"), scope.methods());
        assertEquals(plan.parameterColumns(), scope.params());
    }

    @Test
    void aDatasetWithMoreThan64ComparedConfigurationsIsPairedAgainstEachMethodsBest() {
        // 65 random-search samples of bp on mnist; on fashion-mnist 64 (a grid of 8 × 8); dtp's 30 draws and
        // its base configuration: only the base is compared.
        SweepPlan plan = SweepPlan.expand(SweepSpec.parse("""
                datasets: [mnist, fashion-mnist]
                seeds: [1]
                methods:
                  bp: {lr: 'log_uniform(0.001, 0.1)', samples: 65}
                  dtp:
                    sensitivity: {params: [lr], samples: 30, include_base: true}
                """, "spec.yaml", "spec"));
        Compactor.Scope scope = Compactor.Scope.of(plan);
        assertEquals(Set.of("mnist", "fashion-mnist"), scope.pairedAgainstBest(), "65 + 1 compared configurations");
        assertEquals(Set.of(), scope.withAllPairs().pairedAgainstBest(), "run --all-pairs");

        SweepPlan grid = SweepPlan.expand(SweepSpec.parse("""
                dataset: mnist
                seeds: [1]
                methods:
                  bp: {lr: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08], batch_size: [8, 16, 32, 64, 96, 128, 160, 192]}
                """, "spec.yaml", "spec"));
        assertEquals(Set.of(), Compactor.Scope.of(grid).pairedAgainstBest(), "64 configurations: every pair");
    }
}
