package dev.jutp.bench.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --busy N}: N shell loops that keep a core busy each ({@code while :; do :; done}), the other
 * programs of a busy desktop, started before the rounds and stopped after them, by their own handles.
 */
final class BusyLoops implements AutoCloseable {
    private final List<Process> loops = new ArrayList<>();

    BusyLoops(int count) throws IOException {
        try {
            for (int i = 0; i < count; i++) {
                loops.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    int count() {
        return loops.size();
    }

    @Override
    public void close() {
        for (Process p : loops) {
            p.destroyForcibly();
        }
        for (Process p : loops) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
