/**
 * The cluster side: building the Spark session for local mode or a cluster ({@link org.tpsweep.cluster.SparkSessions}),
 * where the data lives and how executors reach it ({@link org.tpsweep.cluster.DataLocation}), Hadoop settings
 * shipped to tasks ({@link org.tpsweep.cluster.HadoopConf}), GPU binding and thread pinning of executors.
 */
package org.tpsweep.cluster;
