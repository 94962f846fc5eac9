package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataDirectoryTest {
    @Test
    void systemPropertyWinsAndIsMadeAbsoluteAndNormal() {
        String old = System.getProperty(DataDirectory.PROPERTY);
        try {
            System.setProperty(DataDirectory.PROPERTY, "some/where/../data-x");
            Path p = DataDirectory.resolve();
            assertTrue(p.isAbsolute());
            assertEquals(Path.of("some/data-x").toAbsolutePath().normalize(), p);
            System.setProperty(DataDirectory.PROPERTY, "/abs/dir");
            assertEquals(Path.of("/abs/dir"), DataDirectory.resolve());
        } finally {
            restore(old);
        }
    }

    @Test
    void withoutPropertyUsesEnvironmentOrLocalData() {
        String old = System.getProperty(DataDirectory.PROPERTY);
        try {
            System.clearProperty(DataDirectory.PROPERTY);
            String env = System.getenv(DataDirectory.ENV);
            Path expected = (env == null || env.isBlank()) ? Path.of("data") : Path.of(env.trim());
            assertEquals(expected.toAbsolutePath().normalize(), DataDirectory.resolve());
        } finally {
            restore(old);
        }
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(DataDirectory.PROPERTY);
        } else {
            System.setProperty(DataDirectory.PROPERTY, old);
        }
    }
}
