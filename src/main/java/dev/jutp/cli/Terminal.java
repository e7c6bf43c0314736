package dev.jutp.cli;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a standard descriptor is a terminal, and the size of standard input when it is a
 * regular file. {@code System.console()} answers for stdin and stdout together, so utpcat looks
 * where {@code /proc/self/fd/N} points (a terminal device); without /proc it asks the C library's
 * {@code isatty} (the launcher enables native access). /proc first: linking a native call costs
 * start-up time before the first SYN.
 */
final class Terminal {
    private Terminal() {}

    /** True when file descriptor {@code fd} (0, 1 or 2) is a terminal. */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception | Error e) {
            // No /proc: ask the C library below.
        }
        try {
            Linker linker = Linker.nativeLinker();
            Optional<java.lang.foreign.MemorySegment> isatty = linker.defaultLookup().find("isatty");
            if (isatty.isPresent()) {
                MethodHandle h = linker.downcallHandle(isatty.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                return (int) h.invokeExact(fd) == 1;
            }
        } catch (Throwable e) {
            // Native access not enabled or no C library.
        }
        return false;
    }

    /** The number of bytes left in standard input when it is a regular file, else -1. */
    static long stdinSize() {
        try {
            Path p = Path.of("/proc/self/fd/0");
            if (Files.isRegularFile(p)) {
                return Files.size(p);
            }
        } catch (Exception e) {
            // Not Linux, or not a file: unknown.
        }
        return -1;
    }
}
