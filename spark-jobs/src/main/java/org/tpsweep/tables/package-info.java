/**
 * The tables: the driver's compaction of committed trial files into the Parquet tables
 * ({@link org.tpsweep.tables.Compactor}, {@link org.tpsweep.tables.OutputTables}, {@link org.tpsweep.tables.TrialRows})
 * and the aggregates over seeds ({@link org.tpsweep.tables.Aggregates}); their per-configuration reading
 * ({@link org.tpsweep.tables.ConfigurationSummary}) and the table {@code run} prints ({@link org.tpsweep.tables.SummaryTable}).
 * Reports build on these tables.
 */
package org.tpsweep.tables;
