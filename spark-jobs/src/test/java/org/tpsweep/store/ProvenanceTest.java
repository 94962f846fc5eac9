package org.tpsweep.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The code version comes from the build (the jar's resource), not from running git where the driver runs. */
class ProvenanceTest {
    @Test
    void theCodeVersionIsTheCommitTheBuildRecorded() throws Exception {
        String recorded;
        try (InputStream in = Provenance.class.getResourceAsStream(Provenance.VERSION_RESOURCE)) {
            assertNotNull(in, "the build writes " + Provenance.VERSION_RESOURCE);
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        Path repo = Path.of("").toAbsolutePath().getParent();
        if (Files.exists(repo.resolve(".git"))) {
            Process git = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "HEAD").start();
            String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            git.waitFor();
            assertTrue(recorded.matches("[0-9a-f]{40}(-dirty)?"), recorded);
            assertEquals(head, recorded.substring(0, 40), "built from this checkout's HEAD");
        }
        assertEquals(recorded.isEmpty() ? null : recorded, Provenance.currentCodeVersion());
        System.setProperty(Provenance.VERSION_PROPERTY, "given-by-the-launcher");
        try {
            assertEquals("given-by-the-launcher", Provenance.currentCodeVersion());
        } finally {
            System.clearProperty(Provenance.VERSION_PROPERTY);
        }
    }
}
