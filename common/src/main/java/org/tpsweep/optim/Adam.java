package org.tpsweep.optim;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tpsweep.nn.FastTanh;
import org.tpsweep.nn.HostBuffers;
import org.tpsweep.nn.VectorKernels;

/**
 * Adam exactly as PyTorch 1.5 writes it, the form of [M]'s published runs (ALGORITHMS.md §1), per parameter θ:
 * <pre>
 *   g = ∇ + wd·θ                         (coupled L2, not AdamW)
 *   m ← β1·m + (1 − β1)·g ;  v ← β2·v + (1 − β2)·g²
 *   θ ← θ − (lr/(1 − β1^t)) · m / (√v/√(1 − β2^t) + ε)
 * </pre>
 * ND4J's AdamUpdater adds ε before the bias correction (ε/√(1 − β2^t) here), which matters for [M]'s large
 * tuned ε, hence this class. The step counter t starts at 1 and is never reset: one instance lives for the
 * whole run (pre-training, main loop and interleaved feedback epochs alike). With the Vector API present
 * the step is one fused pass over each parameter; otherwise it is written with ND4J array ops.
 */
public final class Adam implements Optimizer {
    private final AdamSettings settings;
    private final List<Parameter> params;
    private final List<INDArray> m = new ArrayList<>();
    private final List<INDArray> v = new ArrayList<>();
    private final List<INDArray> scratch = new ArrayList<>();
    private long t;

    public Adam(AdamSettings settings, List<Parameter> params) {
        this.settings = settings;
        this.params = List.copyOf(params);
        for (Parameter p : this.params) {
            m.add(p.value().ulike().assign(0));
            v.add(p.value().ulike().assign(0));
            scratch.add(p.value().ulike());
        }
    }

    /** Number of steps taken so far. */
    @Override
    public long steps() {
        return t;
    }

    /** The moments m_k and v_k of each parameter k, named {@code m.<name>} and {@code v.<name>}. */
    @Override
    public java.util.Map<String, INDArray> state() {
        java.util.Map<String, INDArray> s = new java.util.LinkedHashMap<>();
        for (int k = 0; k < params.size(); k++) {
            s.put("m." + params.get(k).name(), m.get(k));
            s.put("v." + params.get(k).name(), v.get(k));
        }
        return s;
    }

    @Override
    public void restoreSteps(long steps) {
        t = Optimizer.checkedSteps(steps);
    }

    public AdamSettings settings() {
        return settings;
    }

    /** One step on every parameter from its current gradient buffer (the buffer is overwritten with g). */
    @Override
    public void step() {
        t++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double stepSize = settings.lr() / (1 - Math.pow(b1, t));
        double sqrtBias2 = Math.sqrt(1 - Math.pow(b2, t));
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            INDArray theta = p.value();
            INDArray g = p.gradient();
            INDArray mk = m.get(k);
            INDArray vk = v.get(k);
            if (fused(theta, g, mk, vk)) {
                ByteBuffer[] nio = {nio(theta), nio(g), nio(mk), nio(vk)};
                if (theta.dataType() == DataType.DOUBLE) {
                    VectorKernels.adamDouble(nio[0], nio[1], nio[2], nio[3], (int) theta.length(), b1, b2,
                            settings.weightDecay(), stepSize, sqrtBias2, settings.epsilon());
                } else {
                    VectorKernels.adamFloat(nio[0], nio[1], nio[2], nio[3], (int) theta.length(), b1, b2,
                            settings.weightDecay(), stepSize, sqrtBias2, settings.epsilon());
                }
                continue;
            }
            INDArray s = scratch.get(k);
            if (settings.weightDecay() != 0) {
                axpy(settings.weightDecay(), theta, g);             // g = ∇ + wd·θ
            }
            mk.muli(b1);
            axpy(1 - b1, g, mk);                                     // m = β1 m + (1−β1) g
            s.assign(g).muli(g);
            vk.muli(b2);
            axpy(1 - b2, s, vk);                                     // v = β2 v + (1−β2) g²
            s.assign(vk);
            Transforms.sqrt(s, false).divi(sqrtBias2).addi(settings.epsilon()); // √v/√(1−β2^t) + ε
            s.rdivi(mk);                                             // m / (…)
            axpy(-stepSize, s, theta);                               // θ −= lr/(1−β1^t) · m/(…)
        }
    }

    /** True when one fused Vector API pass can update the parameter (contiguous float/double buffers). */
    static boolean fused(INDArray... arrays) {
        if (!FastTanh.vectorised() || !HostBuffers.onHost()) {
            return false;
        }
        DataType type = arrays[0].dataType();
        for (INDArray a : arrays) {
            if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.dataType() != type
                    || (type != DataType.DOUBLE && type != DataType.FLOAT)) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer nio(INDArray a) {
        return HostBuffers.bytes(a);
    }

    private static void axpy(double alpha, INDArray x, INDArray y) {
        Nd4j.getBlasWrapper().level1().axpy(x.length(), alpha, x, y);
    }
}
