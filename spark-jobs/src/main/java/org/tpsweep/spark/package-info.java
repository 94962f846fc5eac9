/**
 * The sweep job itself: {@link org.tpsweep.spark.SweepJob} plans the trials, spreads them over executors, checks
 * that every planned trial was committed and hands the result files to the tables; progress and status counters.
 */
package org.tpsweep.spark;
