package org.tpsweep.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code lose:}, except that a file named in {@link #LOST} is stored out
 * of sight: every access to that name goes to a new place in a sink folder, so whatever commits it (a rename or
 * a hard link) succeeds and the file is never seen again — a commit that never becomes visible to the driver
 * (registered for tests in {@code core-site.xml}; local-mode tasks share the test's JVM, so the set reaches them).
 */
public class LosingFileSystem extends RawLocalFileSystem {
    /** File names whose commits are lost. */
    static final Set<String> LOST = ConcurrentHashMap.newKeySet();
    private static final AtomicLong PLACES = new AtomicLong();
    private static final File SINK = sink();

    private static File sink() {
        try {
            File dir = Files.createTempDirectory("lost-commits").toFile();
            dir.deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public URI getUri() {
        return URI.create("lose:///");
    }

    @Override
    public String getScheme() {
        return "lose";
    }

    @Override
    public File pathToFile(Path path) {
        if (LOST.contains(path.getName())) {
            return new File(SINK, PLACES.incrementAndGet() + "-" + path.getName());
        }
        return super.pathToFile(path);
    }
}
