package org.tpsweep.train;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tpsweep.config.Methods;
import org.tpsweep.config.RunConfig;
import org.tpsweep.data.DatasetCache;
import org.tpsweep.data.LabeledData;
import org.tpsweep.data.PixelNormalisation;
import org.tpsweep.data.TrainTestData;
import org.tpsweep.metrics.JacobianConditions;
import org.tpsweep.nn.ForwardPass;
import org.tpsweep.rules.LearningRule;
import org.tpsweep.rules.LearningRules;

class JacobianTimingScratch {
    @Test
    void time() {
        int threads = Integer.getInteger("threads", 1);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        System.out.println("bytedeco openblas threads seen: " + org.bytedeco.openblas.global.openblas.blas_get_num_threads()
                + " nd4j blas " + Nd4j.factory().blas().getMaxThreads());
        for (String method : new String[] {Methods.FW_DTP_BN, Methods.FW_DTP}) {
            for (String prec : new String[] {"float32", "float64"}) {
                RunConfig c = RunConfig.of(method, "mnist", 1, Map.of(Methods.JACOBIANS, true, Methods.PRECISION, prec));
                TrainTestData data = DatasetCache.get("mnist", Path.of("../data"), PixelNormalisation.of(c));
                int[] idx = new int[5000];
                for (int k = 0; k < idx.length; k++) idx[k] = 55000 + k;
                LabeledData val = data.train().select(idx);
                LearningRule rule = LearningRules.create(c, 784, 10, Nd4j.getRandomFactory().getNewRandomInstance(1L),
                        new org.tpsweep.nn.GaussianNoise(2));
                DataType dt = LearningRules.dataType(c);
                JacobianMonitor m = JacobianMonitor.of(c, rule, val, dt, 256);
                for (int rep = 0; rep < 2; rep++) {
                    var rows = m.measure(0);
                    System.out.printf("%s %s threads=%d: %.2f s per measurement (%d batches x %d layers) %s%n", method,
                            prec, threads, m.lastSeconds(), rows.get(0).n(), rows.size(), rows.get(0));
                }
                ForwardPass pass = rule.network().forward(val.batch(idx.length == 0 ? null : identity(256), 0, 256, dt).x());
                var M = m.product(pass, 3);
                long t0 = System.nanoTime();
                JacobianConditions.Values ref = JacobianConditions.ofMatrix(M);
                long t1 = System.nanoTime();
                JacobianConditions.Values fast = JacobianMonitor.conditions(M);
                long t2 = System.nanoTime();
                System.out.printf("  one 256x256 M: commons %.3f s %s, lapack %.3f s %s%n", (t1 - t0) / 1e9, ref,
                        (t2 - t1) / 1e9, fast);
            }
        }
    }

    private static int[] identity(int n) {
        int[] o = new int[n];
        for (int k = 0; k < n; k++) o[k] = k;
        return o;
    }
}
