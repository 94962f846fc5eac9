package org.tpsweep.data;

/** A data set's full training split and its test split, as loaded from the files. */
public record TrainTestData(LabeledData train, LabeledData test) {
}
