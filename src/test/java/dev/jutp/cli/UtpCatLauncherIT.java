package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/utpcat itself, run after {@code package} (failsafe) so that target/jutp-*.jar and
 * target/lib exist: JDK discovery, the missing-jar message, and the README's demo command.
 */
class UtpCatLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path LAUNCHER = ROOT.resolve("bin/utpcat");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run run(Path launcher, Map<String, String> env, File stdin, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k); // null: unset
            } else {
                pb.environment().put(k, v);
            }
        });
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectInput(stdin).redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), "launcher did not finish");
        } finally {
            p.destroy();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Map<String, String> javaHome(String home) {
        return Map.of("JUTP_JAVA_HOME", home, "JAVA_HOME", "/nonexistent-jdk");
    }

    @Test
    void demoOfTwentyMegabytesSucceedsAndPrintsThroughput() throws Exception {
        Run r = run(LAUNCHER, Map.of(), new File("/dev/null"), "demo", "--size", "20M");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("transferred 20.0 MiB (20971520 bytes) in "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("sha-256 received") && l.endsWith("  OK")), r.out());
        assertTrue(r.out().contains("sender statistics"), r.out());
    }

    @Test
    void usesTheJdkNamedByJutpJavaHome() throws Exception {
        Run r = run(LAUNCHER, javaHome(System.getProperty("java.home")), new File("/dev/null"), "-h");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: utpcat"), r.out());
    }

    @Test
    void skipsAJavaHomeThatIsNotAJdk22AndStillFindsOne() throws Exception {
        // JAVA_HOME points nowhere useful; the launcher goes on to PATH and /usr/lib/jvm. The test
        // JVM's own bin/ is put first on PATH so one 22+ JDK is certainly reachable.
        String path = Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin";
        Run r = run(LAUNCHER, Map.of("JAVA_HOME", dir.toString(), "PATH", path), new File("/dev/null"), "-h");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: utpcat"), r.out());
    }

    @Test
    void passesOverAJdk17OnPathAndInJavaHomeToOneUnderUsrLibJvm() throws Exception {
        // The README's promise: Maven's default java may be 17, JAVA_HOME may name it, and
        // bin/utpcat still finds a JDK 22+ under /usr/lib/jvm by itself.
        boolean underUsrLibJvm = System.getProperty("java.home").startsWith("/usr/lib/jvm/");
        // CI installs its JDK there (.ci/run): a missing one is a failure there, never a silent skip.
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(underUsrLibJvm, "CI=true: the test JDK must be under /usr/lib/jvm, is " + System.getProperty("java.home"));
        }
        assumeTrue(underUsrLibJvm, "the test JDK is not under /usr/lib/jvm");
        Path fake = Files.createDirectories(dir.resolve("jdk-17/bin"));
        Files.writeString(dir.resolve("jdk-17/release"), "JAVA_VERSION=\"17.0.9\"\n");
        Path java = fake.resolve("java");
        // Answers the version probe as a Java 17 would; fails loudly if it is ever run as utpcat.
        Files.writeString(java, """
                #!/bin/sh
                case "$*" in
                  *-XshowSettings*) echo '    java.specification.version = 17' >&2; exit 0 ;;
                esac
                echo "fake java 17 was run: $*" >&2
                exit 42
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new java.util.HashMap<>();
        env.put("JAVA_HOME", dir.resolve("jdk-17").toString());
        env.put("PATH", fake + ":/usr/bin:/bin");
        env.put("JUTP_JAVA_HOME", null);
        Run r = run(LAUNCHER, env, new File("/dev/null"), "-h");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("usage: utpcat"), r.out());
    }

    @Test
    void badArgumentsThroughTheLauncherExitTwo() throws Exception {
        Run r = run(LAUNCHER, Map.of(), new File("/dev/null"), "-l");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("utpcat: -l needs the listening port"), r.err());
    }

    @Test
    void missingJarIsOneLineTellingHowToBuild() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("checkout/bin"));
        Path copy = Files.copy(LAUNCHER, bin.resolve("utpcat"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = run(copy, Map.of(), new File("/dev/null"), "demo");
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("mvn -B -DskipTests package"), r.err());
        assertEquals("", r.out());
    }

    // ------------------------------------------------------------------ issue 17: start-up and threads

    /** The archives `mvn package` recorded next to the jar (one per JDK major version and kind). */
    private static List<Path> packagedArchives() throws Exception {
        try (var files = Files.list(ROOT.resolve("target"))) {
            List<Path> found = files.filter(f -> f.getFileName().toString().matches("utpcat-jdk\\d+\\.(aot|jsa)"))
                    .toList();
            assertFalse(found.isEmpty(), "mvn package made no target/utpcat-jdk*.aot|jsa");
            return found;
        }
    }

    /** An idle listener started through {@code launcher}, its stdin an open pipe; ready once it listens. */
    private static Process idleListener(Path launcher) throws Exception {
        int port;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(launcher.toString(), "-d", "-l", "-p", Integer.toString(port))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        java.io.BufferedReader err = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; (line = err.readLine()) != null; ) {
            if (line.contains("listening on")) {
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the listener ended before listening (exit " + p.waitFor() + ")");
    }

    private static String maps(Process p) throws Exception {
        return Files.readString(Path.of("/proc/" + p.pid() + "/maps"));
    }

    private static void stop(Process p) throws Exception {
        p.destroyForcibly(); // our own child, by its handle
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void mapsThePackagedClassDataArchive() throws Exception {
        List<Path> archives = packagedArchives();
        Process p = idleListener(LAUNCHER);
        try {
            String maps = maps(p);
            assertTrue(archives.stream().anyMatch(a -> maps.contains(a.toString())), "utpcat mapped none of " + archives);
        } finally {
            stop(p);
        }
    }

    /**
     * A command-line tool's thread budget: an idle listener (JVM, one compiler thread, the serial GC's
     * none, the endpoint's I/O thread) runs at most 15 threads, read from /proc; with G1 and both JIT
     * compilers it was 19.
     */
    @Test
    void idleListenerRunsAtMostFifteenThreads() throws Exception {
        Process p = idleListener(LAUNCHER);
        try (var tasks = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
            List<String> names = tasks.map(t -> {
                try {
                    return Files.readString(t.resolve("comm")).trim();
                } catch (java.io.IOException e) {
                    return "?";
                }
            }).toList();
            assertTrue(names.size() <= 15, names.size() + " threads: " + names);
            assertTrue(names.stream().anyMatch(n -> n.startsWith("jutp-io")), "the endpoint's thread runs: " + names);
        } finally {
            stop(p);
        }
    }

    /**
     * The path from launch to a client's first SYN, read from the JVM's own class-load and
     * class-init logs (no clock): every class of jutp and of its command line comes from the packaged
     * archive (a class missing from it, such as one only utpcat's own start-up runs, is read from the
     * jar and verified), no string concatenation class is generated, java.util.logging is not
     * started, and the transport links no more native call shapes than its three (each generates a
     * stub class and about 30 method-handle classes, which the JDK 25 archive cannot hold).
     */
    @Test
    void theFirstSynPathRunsFromTheArchiveAndGeneratesOnlyTheNativeCallStubs() throws Exception {
        packagedArchives();
        Path log = dir.resolve("classes.log");
        String firstDatagram;
        try (java.nio.channels.DatagramChannel peer = java.nio.channels.DatagramChannel.open()) {
            peer.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            int port = ((java.net.InetSocketAddress) peer.getLocalAddress()).getPort();
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "127.0.0.1", Integer.toString(port))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("UTPCAT_JAVA_OPTS", "-Xlog:class+load=info,class+init=info:file=" + log + ":tid");
            Process p = pb.start();    // stdin: an open pipe, so utpcat waits for input after connecting
            try {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(2048);
                peer.configureBlocking(false);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (peer.receive(buf) == null && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                firstDatagram = buf.position() >= 20 ? String.format("%02x", buf.get(0)) : "none";
            } finally {
                p.destroy();     // SIGTERM: the JVM exits normally and closes its log
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
        }
        assertEquals("41", firstDatagram, "the first datagram is a uTP SYN (type 4, version 1)");
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" dev.jutp.cli.UtpCat source: shared objects file")),
                "UtpCat not loaded from the archive");
        List<String> fromElsewhere = lines.stream()
                .filter(l -> l.matches(".*\\] (dev\\.jutp|org\\.apache\\.commons\\.cli)\\.\\S+ source: .*")
                        && !l.endsWith("source: shared objects file"))
                .toList();
        assertEquals(List.of(), fromElsewhere, "classes the archive did not hold");
        assertEquals(List.of(), lines.stream().filter(l -> l.contains("java.lang.String$$StringConcat")
                && !l.endsWith("source: shared objects file")).toList(), "string concatenation classes generated");
        assertEquals(List.of(), lines.stream().filter(l -> l.contains("Initializing 'java/util/logging/LogManager'"))
                .toList(), "java.util.logging started");
        long stubs = lines.stream().filter(l -> l.contains(" jdk.internal.foreign.abi.DowncallStub/")).count();
        assertTrue(stubs >= 1 && stubs <= 3, stubs + " native call shapes linked");
    }

    /**
     * The heap asks for transparent huge pages exactly when the kernel grants them on request
     * ("[madvise]"): with "always" it has them without asking, with "never" the JVM would warn.
     */
    @Test
    void asksForHugePagesOnlyWhereTheKernelGrantsThemOnRequest() throws Exception {
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean onRequest = Files.isReadable(setting) && Files.readString(setting).contains("[madvise]");
        Process p = idleListener(LAUNCHER);
        try {
            String cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
            assertEquals(onRequest, cmdline.contains(" -XX:+UseTransparentHugePages "), cmdline);
        } finally {
            stop(p);
        }
    }

    /** A copy of the checkout (bin/utpcat and bin/find-java, the jar, target/lib) whose archive this test controls. */
    private Path checkoutCopy() throws Exception {
        Path copy = dir.resolve("checkout");
        Path target = copy.resolve("target");
        Files.createDirectories(target.resolve("lib"));
        Path launcher = Files.copy(LAUNCHER, Files.createDirectories(copy.resolve("bin")).resolve("utpcat"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(ROOT.resolve("bin/find-java"), copy.resolve("bin/find-java")); // the JDK finder it sources
        try (var files = Files.list(ROOT.resolve("target"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("jutp-[^/]*\\.jar")
                    && !f.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar")).toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        try (var libs = Files.list(ROOT.resolve("target/lib"))) {
            for (Path f : libs.toList()) {
                Files.copy(f, target.resolve("lib").resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static Path jarIn(Path checkout) throws Exception {
        try (var files = Files.list(checkout.resolve("target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).findFirst().orElseThrow();
        }
    }

    /** The demo ran, and neither stream carries a JVM or class-data message. */
    private static void assertCleanDemo(Run r) {
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("sha-256 received") && r.out().contains("OK"), r.out());
        for (String s : List.of(r.out(), r.err())) {
            assertFalse(s.contains("[warning]") || s.contains("[error") || s.contains("CDS") || s.contains("AOT"), s);
        }
    }

    @Test
    void archiveAbsentStaleOrForeignStillRunsAndIsUsedOnlyWhenFresh() throws Exception {
        Path copy = checkoutCopy();
        Path launcher = copy.resolve("bin/utpcat");
        Path target = copy.resolve("target");
        // Absent: runs without one.
        assertCleanDemo(run(launcher, Map.of(), new File("/dev/null"), "demo", "--size", "2M"));

        // Recorded for this copy: mapped by the next run.
        Run made = run(launcher, Map.of("JUTP_UTPCAT_ARCHIVE", "create"), new File("/dev/null"));
        assertEquals(0, made.exit(), made.err());
        Path archive;
        try (var files = Files.list(target)) {
            archive = files.filter(f -> f.getFileName().toString().matches("utpcat-jdk\\d+\\.(aot|jsa)")).findFirst()
                    .orElseThrow(() -> new AssertionError("no archive recorded: " + made.err()));
        }
        Process p = idleListener(launcher);
        try {
            assertTrue(maps(p).contains(archive.toString()), "fresh archive not mapped");
        } finally {
            stop(p);
        }

        // Stale: the jar is newer (rebuilt), so the launcher leaves the archive alone.
        Files.setLastModifiedTime(jarIn(copy), java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(archive).toMillis() + 5_000));
        p = idleListener(launcher);
        try {
            assertFalse(maps(p).contains(archive.toString()), "stale archive mapped");
        } finally {
            stop(p);
        }
        assertCleanDemo(run(launcher, Map.of(), new File("/dev/null"), "demo", "--size", "2M"));

        // Foreign (another JDK build, or garbage) and newer than the jar: the JVM refuses it, silently.
        Files.write(archive, "not a class-data archive".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jarIn(copy)).toMillis() + 5_000));
        assertCleanDemo(run(launcher, Map.of(), new File("/dev/null"), "demo", "--size", "2M"));
    }
}
