package dev.jutp.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds this process's file descriptors in /proc (tests of what a descriptor is). */
public final class OwnDescriptors {
    private OwnDescriptors() {
    }

    /** This process's descriptor that is the same open file as descriptor {@code fd} of process {@code pid}. */
    public static int sameAs(long pid, int fd) throws IOException {
        return pointingTo(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)));
    }

    /** This process's descriptor whose /proc link reads {@code target} (a path, or "pipe:[inode]"). */
    public static int pointingTo(Path target) throws IOException {
        try (var ours = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) ours::iterator) {
                try {
                    if (Files.readSymbolicLink(p).equals(target)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the listing's own descriptor, closed once listed
                }
            }
        }
        throw new AssertionError("no descriptor of this process is " + target);
    }
}
