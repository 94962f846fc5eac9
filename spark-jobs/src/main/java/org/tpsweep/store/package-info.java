/**
 * The durable result store: how one trial's result becomes a committed file under {@code OUT/trials/}
 * ({@link org.tpsweep.store.TrialStore}: stage, then rename), what that file holds
 * ({@link org.tpsweep.store.TrialDocument}, {@link org.tpsweep.store.Provenance}), how the driver reads them back
 * ({@link org.tpsweep.store.TrialFiles}), and the sweep's identity ({@link org.tpsweep.store.SweepMetadata}).
 * A newcomer looking for the commit protocol starts here.
 */
package org.tpsweep.store;
