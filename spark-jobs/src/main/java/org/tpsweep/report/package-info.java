/**
 * The report of a sweep ({@code tp-sweep report OUT}, also written at the end of {@code run}): {@code OUT/report/}
 * with {@code index.html}, {@code report.md} and PNG charts, every number read from the sweep's Parquet tables or
 * from Spark SQL aggregates over them ({@link org.tpsweep.report.SweepReport}).
 */
package org.tpsweep.report;
