package org.tpsweep.cli;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code lose:}, except that a rename onto a file named in {@link #LOST}
 * reports success and loses the file: a commit that never becomes visible to the driver (registered for tests
 * in {@code core-site.xml}; local-mode tasks share the test's JVM, so the set reaches them).
 */
public class LosingFileSystem extends RawLocalFileSystem {
    /** File names whose commits are lost. */
    static final Set<String> LOST = ConcurrentHashMap.newKeySet();

    @Override
    public URI getUri() {
        return URI.create("lose:///");
    }

    @Override
    public String getScheme() {
        return "lose";
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        if (LOST.contains(dst.getName())) {
            return delete(src, false);
        }
        return super.rename(src, dst);
    }
}
