package org.tpsweep.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax combined with cross-entropy, ℒ = (1/B) Σ_b CE(softmax(a_L,b), y_b) (ALGORITHMS.md §1, batch mean).
 * Its gradient ∂ℒ/∂a_L = (softmax(a_L) − onehot(y))/B carries the 1/B that the output target keeps.
 */
public final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {
    }

    /**
     * Evaluates the batch.
     *
     * @param logits a_L, B × C
     * @param onehot one-hot labels, B × C, same dtype
     * @param withGradient whether to compute ∂ℒ/∂a_L (false for evaluation)
     */
    public static LossResult evaluate(INDArray logits, INDArray onehot, boolean withGradient) {
        int b = (int) logits.rows();
        INDArray max = logits.max(1).reshape(b, 1);
        INDArray shifted = logits.subColumnVector(max);
        INDArray exp = Transforms.exp(shifted, true);
        INDArray sumExp = exp.sum(1).reshape(b, 1);
        // log softmax = shifted − log Σ exp; CE_b = −⟨onehot_b, log softmax_b⟩
        INDArray logSumExp = Transforms.log(sumExp, true);
        double picked = shifted.mul(onehot).sumNumber().doubleValue();
        double meanLoss = (logSumExp.sumNumber().doubleValue() - picked) / b;
        int correct = countCorrect(logits, onehot);
        INDArray grad = null;
        if (withGradient) {
            grad = exp.diviColumnVector(sumExp).subi(onehot).divi(b);
        }
        return new LossResult(meanLoss, grad, correct, b);
    }

    /** Number of rows whose arg-max logit is the labelled class. */
    public static int countCorrect(INDArray logits, INDArray onehot) {
        INDArray predicted = Nd4j.argMax(logits, 1);
        INDArray truth = Nd4j.argMax(onehot, 1);
        return predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().intValue();
    }
}
