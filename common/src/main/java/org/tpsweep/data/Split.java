package org.tpsweep.data;

/** The training part and the held-out validation part of a training set ({@link DataSplits}). */
public record Split(LabeledData train, LabeledData validation) {
}
