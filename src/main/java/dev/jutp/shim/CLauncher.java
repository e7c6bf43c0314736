package dev.jutp.shim;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hosts a C program inside this JVM: loads the program, built as a shared object linked with
 * {@code -lutp}, installs the upcall table into the {@code libutp.so} it links against, and calls
 * its entry point {@code int main(int, char **)} (or {@code -Djutp.entry=<symbol>}) through a
 * downcall. No JVM is started from C in this mode.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp jutp.jar dev.jutp.shim.CLauncher ./libprog.so args...</pre>
 *
 * <p>The process exits with the entry point's return value.
 */
@SuppressWarnings("restricted")
public final class CLauncher {

    private CLauncher() {
    }

    /**
     * Runs the program.
     *
     * @param args the shared object, then the program's arguments
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: CLauncher <program.so> [args...]");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]), java.util.Arrays.copyOfRange(args, 1, args.length)));
    }

    /**
     * Loads {@code program}, connects its {@code libutp.so} to jutp and runs its entry point.
     *
     * @return the entry point's return value, or 127 if the program cannot be loaded
     */
    public static int run(Path program, String[] programArgs) {
        Path so = program.toAbsolutePath();
        if (!Files.isReadable(so)) {
            System.err.println("jutp: cannot read " + so);
            return 127;
        }
        String entry = System.getProperty("jutp.entry", "main");
        // dlsym on the program's handle searches its dependencies, so utp_shim_install resolves
        // in exactly the libutp.so the program was linked against.
        SymbolLookup lookup = SymbolLookup.libraryLookup(so, Arena.global());
        ShimTable.install(lookup);
        MemorySegment main = lookup.find(entry).orElse(null);
        if (main == null) {
            System.err.println("jutp: " + so + " exports no " + entry + "()");
            return 127;
        }
        MethodHandle call = Linker.nativeLinker()
                .downcallHandle(main, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            int argc = programArgs.length + 1;
            MemorySegment argv = arena.allocate(ADDRESS, argc + 1L);
            argv.setAtIndex(ADDRESS, 0, arena.allocateFrom(so.toString()));
            for (int i = 0; i < programArgs.length; i++) {
                argv.setAtIndex(ADDRESS, i + 1L, arena.allocateFrom(programArgs[i]));
            }
            argv.setAtIndex(ADDRESS, argc, MemorySegment.NULL);
            return (int) call.invokeExact(argc, argv);
        } catch (Throwable t) {
            System.err.println("jutp: " + entry + "() failed: " + t);
            return 1;
        }
    }
}
