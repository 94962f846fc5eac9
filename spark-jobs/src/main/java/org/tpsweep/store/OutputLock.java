package org.tpsweep.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.tpsweep.config.ConfigException;

/**
 * The exclusive lock of one run on an output folder: the file {@code OUT/.tp-sweep.lock}, created only if absent
 * (through Hadoop's {@code FileSystem}, so for {@code hdfs:}, {@code s3a:} … as for local folders), holding the
 * holder's host, pid, start time, a random token and a heartbeat that a daemon thread rewrites every
 * {@link #heartbeatInterval()}.
 *
 * <p>A second run on the same folder is refused with a message naming the holder. A lock whose holder is gone
 * (its heartbeat older than {@link #staleAfter()}, or its pid no longer alive on this same host) is taken over,
 * with a line saying so. A holder whose lock was taken over (it stalled longer than {@link #staleAfter()})
 * notices at its next heartbeat, and {@link #checkHeld} then refuses every further write.
 * The lock is released by {@link #close()} and, on Ctrl-C, by a shutdown hook.
 */
public final class OutputLock implements AutoCloseable {
    /** File name of the lock in the output folder. */
    public static final String FILE = ".tp-sweep.lock";
    /** System property: milliseconds between heartbeats (default 10 000). */
    public static final String HEARTBEAT_PROPERTY = "tp.lock.heartbeat.ms";
    /** System property: milliseconds after the last heartbeat when a lock counts as abandoned (default 60 000). */
    public static final String STALE_PROPERTY = "tp.lock.stale.ms";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path file;
    private final Holder me;
    private final ScheduledExecutorService heartbeat;
    private final Runnable shutdownHook;
    private volatile String lostTo;
    private volatile boolean released;

    /** Who holds a lock, as written in its file. */
    public record Holder(String host, long pid, Instant started, Instant heartbeat, String token) {
        /** "host H, pid P, started S, last heartbeat N s ago". */
        String describe(Instant now) {
            return "host " + host + ", pid " + pid + ", started " + started + ", last heartbeat "
                    + Math.max(0, Duration.between(heartbeat, now).toSeconds()) + " s ago";
        }

        byte[] json() throws IOException {
            ObjectNode n = JSON.createObjectNode();
            n.put("host", host);
            n.put("pid", pid);
            n.put("started", started.toString());
            n.put("heartbeat", heartbeat.toString());
            n.put("token", token);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        }

        static Holder parse(byte[] bytes) throws IOException {
            JsonNode n = JSON.readTree(bytes);
            try {
                return new Holder(n.get("host").asText(), n.get("pid").asLong(), Instant.parse(n.get("started").asText()),
                        Instant.parse(n.get("heartbeat").asText()), n.get("token").asText());
            } catch (RuntimeException e) {
                throw new IOException("not a tp-sweep lock file: " + e.getMessage(), e);
            }
        }

        Holder beat(Instant now) {
            return new Holder(host, pid, started, now, token);
        }
    }

    private OutputLock(FileSystem fs, Path file, Holder me) {
        this.fs = fs;
        this.file = file;
        this.me = me;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tp-sweep output lock heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = heartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        this.shutdownHook = this::close;
        // Before Hadoop closes its file systems (priority 10), so that the lock file can still be deleted.
        ShutdownHookManager.get().addShutdownHook(shutdownHook, FileSystem.SHUTDOWN_HOOK_PRIORITY + 10);
    }

    /**
     * Takes the lock on folder {@code dir} (created when absent), taking over an abandoned one (said on
     * {@code notices}).
     *
     * @throws ConfigException when another live run holds it, or the folder cannot be written
     */
    public static OutputLock acquire(FileSystem fileSystem, Path dir, PrintWriter notices) {
        FileSystem fs = fileSystem instanceof LocalFileSystem local ? local.getRawFileSystem() : fileSystem;
        Path file = new Path(dir, FILE);
        Holder me = new Holder(localHost(), ProcessHandle.current().pid(), Instant.now(), Instant.now(),
                UUID.randomUUID().toString());
        try {
            if (!fs.exists(dir) && !fs.mkdirs(dir)) {
                throw new IOException("mkdirs returned false");
            }
            for (int attempt = 0; attempt < 2; attempt++) {
                if (createNew(fs, file, me.json())) {
                    return new OutputLock(fs, file, me);
                }
                Optional<Holder> holder = read(fs, file);
                Instant now = Instant.now();
                if (holder.isEmpty() && attempt == 0 && !fs.exists(file)) {
                    continue;                                       // released in between
                }
                if (holder.isEmpty() && fs.exists(file) && Duration.between(Instant.ofEpochMilli(
                        fs.getFileStatus(file).getModificationTime()), now).compareTo(staleAfter()) <= 0) {
                    // created but not yet written (or being written): another run is taking the lock right now
                    throw new ConfigException("output folder " + display(dir) + " is being locked by another "
                            + "tp-sweep run at this moment (lock file " + display(file) + " just created); wait for "
                            + "it to end or use another --out folder");
                }
                if (holder.isPresent() && !isAbandoned(holder.get(), now)) {
                    throw new ConfigException("output folder " + display(dir) + " is in use by another tp-sweep run ("
                            + holder.get().describe(now) + "; lock file " + display(file) + "); wait for it to end "
                            + "or use another --out folder. If that run is gone, its lock is taken over once its "
                            + "heartbeat is older than " + staleAfter().toSeconds() + " s");
                }
                if (attempt > 0) {
                    break;
                }
                if (notices != null) {
                    notices.println("taking over the lock of " + display(dir) + " from a run that is gone ("
                            + holder.map(h -> h.describe(now)).orElse("unreadable lock file") + ")");
                    notices.flush();
                }
                Path aside = new Path(dir, FILE + ".stale-" + me.token());
                if (fs.rename(file, aside)) {   // only one of several contenders moves it
                    fs.delete(aside, false);
                }
            }
            throw new ConfigException("output folder " + display(dir) + ": another tp-sweep run took its lock at "
                    + "the same time; use another --out folder or try again");
        } catch (IOException e) {
            throw new ConfigException("output folder " + display(dir) + " is not writable (" + e.getMessage()
                    + "); choose a folder you can write with --out", e);
        }
    }

    /** Milliseconds between heartbeats ({@value #HEARTBEAT_PROPERTY}, default 10 s). */
    public static Duration heartbeatInterval() {
        return Duration.ofMillis(Long.getLong(HEARTBEAT_PROPERTY, 10_000L));
    }

    /** Age of the last heartbeat after which a lock counts as abandoned ({@value #STALE_PROPERTY}, default 60 s). */
    public static Duration staleAfter() {
        return Duration.ofMillis(Long.getLong(STALE_PROPERTY, 60_000L));
    }

    /**
     * Whether the holder is gone: its heartbeat is older than {@link #staleAfter()}, or it ran on this host and
     * its process has ended.
     */
    static boolean isAbandoned(Holder h, Instant now) {
        if (Duration.between(h.heartbeat(), now).compareTo(staleAfter()) > 0) {
            return true;
        }
        return h.host().equals(localHost()) && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    /**
     * Throws unless this run still holds the lock; called before every write into the folder.
     *
     * @throws IllegalStateException naming who took the lock over, or saying it was released
     */
    public void checkHeld() {
        if (released) {
            throw new IllegalStateException("the lock on " + display(file.getParent()) + " was released");
        }
        if (lostTo != null) {
            throw new IllegalStateException("this run lost its lock on " + display(file.getParent()) + " to "
                    + lostTo + " (its heartbeat stalled for longer than " + staleAfter().toSeconds() + " s); it "
                    + "writes nothing more there");
        }
    }

    /** The holder record of this lock. */
    public Holder holder() {
        return me;
    }

    /** Rewrites the heartbeat, after checking that the file is still this run's. */
    private void beat() {
        if (released || lostTo != null) {
            return;
        }
        try {
            Optional<Holder> current = read(fs, file);
            if (current.isEmpty() || !current.get().token().equals(me.token())) {
                lostTo = current.map(h -> h.describe(Instant.now())).orElse("nobody (the lock file was deleted)");
                return;
            }
            Path next = new Path(file.getParent(), FILE + ".beat-" + me.token());
            fs.delete(next, false);
            try (FSDataOutputStream out = fs.create(next, false)) {
                out.write(me.beat(Instant.now()).json());
            }
            Renames.overwriting(fs, next, file);
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: could not refresh the lock " + display(file) + ": " + e.getMessage());
        }
    }

    /** Stops the heartbeat and deletes the lock file if it is still this run's. Never throws; idempotent. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        heartbeat.shutdownNow();
        try {
            ShutdownHookManager.get().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
        try {
            Optional<Holder> current = read(fs, file);
            if (current.isPresent() && current.get().token().equals(me.token())) {
                fs.delete(file, false);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("warning: could not release the lock " + display(file) + ": " + e.getMessage());
        }
    }

    /** The holder in {@code file}; empty when there is none or it cannot be read. */
    static Optional<Holder> read(FileSystem fs, Path file) {
        try (FSDataInputStream in = fs.open(file)) {
            return Optional.of(Holder.parse(in.readAllBytes()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Creates {@code file} with {@code bytes} only if it does not exist; false when it does. Atomic on HDFS
     * ({@code create} without overwrite) and on local disks ({@code O_CREAT|O_EXCL}).
     */
    private static boolean createNew(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try {
            if (fs instanceof RawLocalFileSystem local) {
                Files.write(local.pathToFile(file).toPath(), bytes, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return true;
            }
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write(bytes);
            }
            return true;
        } catch (FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    private static String display(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            String name = ManagementFactory.getRuntimeMXBean().getName();
            return name.substring(name.indexOf('@') + 1);
        }
    }
}
