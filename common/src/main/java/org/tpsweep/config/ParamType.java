package org.tpsweep.config;

/** The value type of one hyperparameter; decides parsing, validation and the Parquet column type. */
public enum ParamType {
    /** A 64-bit float, stored as a Parquet double column. */
    DOUBLE,
    /** A whole number, stored as a Parquet int column. */
    INT,
    /** true/false, stored as a Parquet boolean column. */
    BOOLEAN,
    /** One of a fixed set of words, stored as a Parquet string column. */
    CHOICE
}
