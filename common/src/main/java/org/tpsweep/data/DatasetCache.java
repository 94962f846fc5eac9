package org.tpsweep.data;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A JVM-wide cache of loaded datasets, one per (dataset, absolute normalised data directory, pixel
 * normalisation), so that the many
 * tasks of one executor JVM read the files once and share the (read-only) arrays. Thread-safe; each entry is
 * loaded by one thread while others asking for it wait; a failed load is not cached.
 */
public final class DatasetCache {
    private static final ConcurrentMap<Key, Entry> CACHE = new ConcurrentHashMap<>();

    private DatasetCache() {
    }

    /** The dataset's train and test sets with [M]'s normalisation, loaded by {@link DatasetFiles#load} on first use. */
    public static TrainTestData get(String dataset, Path dataDir) {
        return get(dataset, dataDir, PixelNormalisation.meulemans(dataset));
    }

    /** The dataset's train and test sets with the given pixel normalisation, loaded on first use. */
    public static TrainTestData get(String dataset, Path dataDir, PixelNormalisation normalisation) {
        Key key = new Key(org.tpsweep.config.Datasets.files(dataset), dataDir.toAbsolutePath().normalize(),
                normalisation);
        return CACHE.computeIfAbsent(key, Entry::new).get();
    }

    /** Forgets every cached dataset (for tests, or to release memory). */
    public static void clear() {
        CACHE.clear();
    }

    private record Key(String dataset, Path dir, PixelNormalisation normalisation) {
    }

    /** Loads under its own lock, so that loading one dataset never blocks the map for others. */
    private static final class Entry {
        private final Key key;
        private volatile TrainTestData data;

        Entry(Key key) {
            this.key = key;
        }

        TrainTestData get() {
            TrainTestData d = data;
            if (d == null) {
                synchronized (this) {
                    d = data;
                    if (d == null) {
                        d = DatasetFiles.load(key.dataset(), key.dir(), key.normalisation());
                        data = d;
                    }
                }
            }
            return d;
        }
    }
}
