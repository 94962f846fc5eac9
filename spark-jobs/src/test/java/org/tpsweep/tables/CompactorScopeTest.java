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
}
