package org.tpsweep.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tpsweep.config.ConfigException;

/** The output folder's lock: exclusive, taken over from a run that is gone, lost when taken over. */
class OutputLockTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clearProperties() {
        System.clearProperty(OutputLock.HEARTBEAT_PROPERTY);
        System.clearProperty(OutputLock.STALE_PROPERTY);
    }

    private static org.apache.hadoop.fs.LocalFileSystem local() throws Exception {
        return FileSystem.getLocal(new Configuration());
    }

    private org.apache.hadoop.fs.Path out() {
        return new org.apache.hadoop.fs.Path(tmp.resolve("out").toUri());
    }

    private Path lockFile() {
        return tmp.resolve("out").resolve(OutputLock.FILE);
    }

    private void writeHolder(String host, long pid, Instant heartbeat) throws Exception {
        Files.createDirectories(lockFile().getParent());
        Files.write(lockFile(), new OutputLock.Holder(host, pid, heartbeat.minusSeconds(3600), heartbeat, "their-token")
                .json());
    }

    @Test
    void aSecondAcquireIsRefusedNamingTheHolderUntilTheFirstReleases() throws Exception {
        OutputLock first = OutputLock.acquire(local(), out(), null);
        assertTrue(Files.exists(lockFile()), "the folder is created and holds the lock file");
        String text = Files.readString(lockFile());
        assertTrue(text.contains("\"pid\" : " + ProcessHandle.current().pid()), text);
        ConfigException e = assertThrows(ConfigException.class, () -> OutputLock.acquire(local(), out(), null));
        assertTrue(e.getMessage().contains("is in use by another tp-sweep run")
                && e.getMessage().contains("pid " + ProcessHandle.current().pid())
                && e.getMessage().contains("host " + OutputLock.localHost()), e.getMessage());
        first.close();
        assertFalse(Files.exists(lockFile()), "close deletes the lock file");
        assertThrows(IllegalStateException.class, first::checkHeld);
        OutputLock.acquire(local(), out(), null).close();
    }

    /** Repeated: the race (a contender reading the lock file between its creation and its content) is rare. */
    @RepeatedTest(30)
    void concurrentAcquiresLetExactlyOneIn() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<OutputLock>> tries = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            tries.add(pool.submit(() -> {
                start.await();
                try {
                    return OutputLock.acquire(local(), out(), null);
                } catch (ConfigException refused) {
                    return null;
                }
            }));
        }
        start.countDown();
        List<OutputLock> won = new ArrayList<>();
        for (Future<OutputLock> f : tries) {
            if (f.get() != null) {
                won.add(f.get());
            }
        }
        pool.shutdown();
        assertEquals(1, won.size());
        won.get(0).close();
    }

    @Test
    void aLockOfAProcessThatEndedOnThisHostIsTakenOverWithALine() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        writeHolder(OutputLock.localHost(), p.pid(), Instant.now());
        StringWriter said = new StringWriter();
        OutputLock lock = OutputLock.acquire(local(), out(), new PrintWriter(said, true));
        assertTrue(said.toString().startsWith("taking over the lock of ") && said.toString().contains("pid " + p.pid()),
                said.toString());
        assertTrue(Files.readString(lockFile()).contains(lock.holder().token()));
        lock.close();
    }

    @Test
    void anotherHostsLockIsTakenOverOnlyOnceItsHeartbeatIsStale() throws Exception {
        System.setProperty(OutputLock.STALE_PROPERTY, "60000");
        writeHolder("some-other-host", 1, Instant.now().minusSeconds(30));
        ConfigException e = assertThrows(ConfigException.class, () -> OutputLock.acquire(local(), out(), null));
        assertTrue(e.getMessage().contains("host some-other-host, pid 1"), e.getMessage());

        writeHolder("some-other-host", 1, Instant.now().minusSeconds(61));
        StringWriter said = new StringWriter();
        OutputLock.acquire(local(), out(), new PrintWriter(said, true)).close();
        assertTrue(said.toString().contains("host some-other-host, pid 1") && said.toString().contains("61 s ago"),
                said.toString());
    }

    @Test
    void theHeartbeatAdvancesAndATakenOverHolderStopsWriting() throws Exception {
        System.setProperty(OutputLock.HEARTBEAT_PROPERTY, "50");
        OutputLock lock = OutputLock.acquire(local(), out(), null);
        Instant first = OutputLock.Holder.parse(Files.readAllBytes(lockFile())).heartbeat();
        Instant later = first;
        for (int k = 0; k < 100 && !later.isAfter(first); k++) {
            Thread.sleep(20);
            later = OutputLock.read(local().getRawFileSystem(), new org.apache.hadoop.fs.Path(lockFile().toUri()))
                    .map(OutputLock.Holder::heartbeat).orElse(first);
        }
        assertTrue(later.isAfter(first), "the heartbeat was refreshed");
        lock.checkHeld();

        writeHolder("the-new-holder", 42, Instant.now());   // another run took the lock over
        IllegalStateException lost = null;
        for (int k = 0; k < 250 && lost == null; k++) {
            Thread.sleep(20);
            try {
                lock.checkHeld();
            } catch (IllegalStateException e) {
                lost = e;
            }
        }
        assertTrue(lost != null && lost.getMessage().contains("host the-new-holder, pid 42"), String.valueOf(lost));
        lock.close();
        assertTrue(Files.readString(lockFile()).contains("their-token"), "close leaves the new holder's lock alone");
        assertTrue(Duration.ofMillis(50).equals(OutputLock.heartbeatInterval()));
    }
}
