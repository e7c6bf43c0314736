package dev.jutp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/find-java is the one JDK finder behind its three entry points: bin/find-java itself, bin/utpcat
 * (which sources it) and c-api-shim/find-jdk.sh (the C shim's build). A copy of the three scripts
 * runs against fake JDKs (a release file and a bin/java script that says which JDK it is), so the
 * test controls every candidate: $JAVA_HOME, java on PATH and the directories searched
 * ($JUTP_JVM_DIRS). No jar is needed: utpcat only checks that one exists before it runs java.
 */
class JdkFinderTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    /** A checkout with the three entry points and an (empty) jar for utpcat to find. */
    private Path checkout() throws Exception {
        Path co = dir.resolve("checkout");
        for (String script : List.of("bin/find-java", "bin/utpcat", "c-api-shim/find-jdk.sh")) {
            Path to = co.resolve(script);
            Files.createDirectories(to.getParent());
            Files.copy(ROOT.resolve(script), to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(co.resolve("target"));
        Files.write(co.resolve("target/jutp-0.0.0.jar"), new byte[0]);
        return co;
    }

    /**
     * A fake JDK home: bin/java reports {@code major} to the version probe and otherwise prints
     * "ran NAME" and its arguments; {@code withRelease} adds the release file (the fast path),
     * {@code embeddable} adds lib/server/libjvm.so and include/jni.h.
     */
    private Path fakeJdk(Path home, int major, boolean withRelease, boolean embeddable) throws Exception {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                case "$*" in
                  *-XshowSettings*) echo '    java.specification.version = %d' >&2; exit 0 ;;
                esac
                echo "ran %s $*"
                """.formatted(major, home.getFileName()));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (withRelease) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + major + ".0.2\"\n");
        }
        if (embeddable) {
            Files.write(Files.createDirectories(home.resolve("lib/server")).resolve("libjvm.so"), new byte[0]);
            Files.write(Files.createDirectories(home.resolve("include")).resolve("jni.h"), new byte[0]);
        }
        return home;
    }

    private Run run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JUTP_JAVA_HOME");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + String.join(" ", cmd));
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim(),
                Files.readString(err, StandardCharsets.UTF_8).trim());
    }

    /** Java 17 as JAVA_HOME (release file) and first on PATH (no release file: answers the probe). */
    private Map<String, String> jdk17Everywhere(Path jvmDirs) throws Exception {
        Path named17 = fakeJdk(dir.resolve("named-17"), 17, true, true);
        Path path17 = fakeJdk(dir.resolve("path-17"), 17, false, true);
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", named17.toString());
        env.put("PATH", path17.resolve("bin") + ":/usr/bin:/bin");
        env.put("JUTP_JVM_DIRS", jvmDirs.toString());
        return env;
    }

    @Test
    void allThreeEntryPointsPassOverJava17AndPickTheNewestJdkUnderTheSearchedDirectories() throws Exception {
        Path co = checkout();
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        // Directory order is neither version order nor its reverse: neither the first nor the last wins.
        fakeJdk(jvm.resolve("jdk-17"), 17, true, true);
        fakeJdk(jvm.resolve("jdk-23"), 23, true, true);
        Path newest = fakeJdk(jvm.resolve("temurin-24"), 24, false, true); // probed: no release file
        fakeJdk(jvm.resolve("zulu-22"), 22, true, true);
        Map<String, String> env = jdk17Everywhere(jvm);

        Run java = run(env, co.resolve("bin/find-java").toString());
        assertEquals(0, java.exit(), java.err());
        assertEquals(newest.resolve("bin/java").toString(), java.out());

        Run home = run(env, co.resolve("bin/find-java").toString(), "--home");
        assertEquals(newest.toRealPath().toString(), home.out(), home.err());

        Run shim = run(env, co.resolve("c-api-shim/find-jdk.sh").toString());
        assertEquals(0, shim.exit(), shim.err());
        assertEquals(newest.toRealPath().toString(), shim.out());

        Run utpcat = run(env, co.resolve("bin/utpcat").toString(), "-h");
        assertEquals(0, utpcat.exit(), utpcat.err());
        assertTrue(utpcat.out().startsWith("ran temurin-24 "), utpcat.out());
        assertTrue(utpcat.out().endsWith("dev.jutp.cli.UtpCat -h"), utpcat.out());
    }

    @Test
    void aQualifyingJavaHomeWinsOverNewerJdksUnderTheSearchedDirectories() throws Exception {
        Path co = checkout();
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        fakeJdk(jvm.resolve("jdk-30"), 30, true, true);
        Path named = fakeJdk(dir.resolve("named-22"), 22, true, true);
        Map<String, String> env = jdk17Everywhere(jvm);
        env.put("JAVA_HOME", named.toString());

        assertEquals(named.resolve("bin/java").toString(), run(env, co.resolve("bin/find-java").toString()).out());
        assertEquals(named.toRealPath().toString(), run(env, co.resolve("c-api-shim/find-jdk.sh").toString()).out());
        assertTrue(run(env, co.resolve("bin/utpcat").toString(), "-h").out().startsWith("ran named-22 "));
    }

    @Test
    void theShimSkipsAJdkItCannotEmbed() throws Exception {
        Path co = checkout();
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        Path jre = fakeJdk(jvm.resolve("jre-25"), 25, true, false); // no libjvm.so / jni.h
        Path jdk = fakeJdk(jvm.resolve("jdk-22"), 22, true, true);
        Map<String, String> env = jdk17Everywhere(jvm);

        assertEquals(jre.resolve("bin/java").toString(), run(env, co.resolve("bin/find-java").toString()).out());
        assertEquals(jdk.toRealPath().toString(), run(env, co.resolve("c-api-shim/find-jdk.sh").toString()).out());
    }

    @Test
    void everyEntryPointFailsWithOneClearLineWhenOnlyJava17IsThere() throws Exception {
        Path co = checkout();
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        fakeJdk(jvm.resolve("jdk-17"), 17, true, true);
        Map<String, String> env = jdk17Everywhere(jvm);

        Run java = run(env, co.resolve("bin/find-java").toString());
        Run shim = run(env, co.resolve("c-api-shim/find-jdk.sh").toString());
        Run utpcat = run(env, co.resolve("bin/utpcat").toString(), "-h");
        assertEquals(1, java.exit());
        assertEquals(1, shim.exit());
        assertEquals(2, utpcat.exit()); // utpcat's exit code for a usage or set-up error
        for (Run r : List.of(java, shim, utpcat)) {
            assertEquals("", r.out(), "a java 17 was run, or a JDK printed: " + r.out());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("no JDK 22 or newer"), r.err());
            assertTrue(r.err().contains("JUTP_JAVA_HOME") && r.err().contains(jvm.toString()), r.err());
        }
        assertTrue(utpcat.err().startsWith("utpcat: "), utpcat.err());
    }

    /**
     * java on PATH as a link into a JDK under the searched directories (as /usr/bin/java is): the
     * finder follows it with builtins only. PATH holds nothing but the link, so neither readlink nor
     * the version probe's grep can run: without the builtin match java on PATH would not qualify and
     * the newer JDK under the directories would win.
     */
    @Test
    void javaOnPathLinkedIntoASearchedDirectoryIsResolvedWithoutStartingAProcess() throws Exception {
        Path co = checkout();
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        Path linked = fakeJdk(jvm.resolve("jdk-23"), 23, true, true);
        fakeJdk(jvm.resolve("jdk-25"), 25, true, true);
        Path pathDir = Files.createDirectories(dir.resolve("path-bin"));
        Files.createSymbolicLink(pathDir.resolve("java"), linked.resolve("bin/java"));
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", "");
        env.put("PATH", pathDir.toString());
        env.put("JUTP_JVM_DIRS", jvm.toString());

        Run java = run(env, "/bin/bash", co.resolve("bin/find-java").toString());
        assertEquals(0, java.exit(), java.err());
        assertEquals(pathDir.resolve("java").toString(), java.out());
        Run utpcat = run(env, "/bin/bash", co.resolve("bin/utpcat").toString(), "-h");
        assertEquals(0, utpcat.exit(), utpcat.err());
        assertTrue(utpcat.out().startsWith("ran jdk-23 "), utpcat.out());
    }

    /** On this machine, with nothing set: the scripts agree, on a JDK 22 or newer. */
    @Test
    void onThisMachineFindJavaAndTheShimAgreeOnAJdk22OrNewer() throws Exception {
        Map<String, String> env = new HashMap<>();
        Run java = run(withoutJavaHome(env), ROOT.resolve("bin/find-java").toString());
        Run home = run(withoutJavaHome(env), ROOT.resolve("bin/find-java").toString(), "--home");
        Run shim = run(withoutJavaHome(env), ROOT.resolve("c-api-shim/find-jdk.sh").toString());
        assertEquals(0, java.exit(), java.err());
        assertEquals(0, shim.exit(), shim.err());
        assertEquals(home.out(), shim.out());
        assertEquals(Path.of(java.out()).toRealPath(), Path.of(shim.out(), "bin/java").toRealPath());
        Run version = run(Map.of(), java.out(), "-XshowSettings:properties", "-version");
        String spec = version.err().lines().filter(l -> l.contains("java.specification.version ="))
                .findFirst().orElseThrow().replaceAll(".*= *", "");
        assertTrue(Integer.parseInt(spec) >= 22, "found java " + spec);
        assertFalse(java.out().isEmpty());
    }

    private static Map<String, String> withoutJavaHome(Map<String, String> env) {
        env.put("JAVA_HOME", "");
        return env;
    }
}
