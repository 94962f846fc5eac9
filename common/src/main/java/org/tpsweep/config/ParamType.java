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
    CHOICE,
    /** A list of non-negative numbers (one per hidden layer), stored canonically as "x1,x2,…" in a string column. */
    DOUBLE_LIST
}
