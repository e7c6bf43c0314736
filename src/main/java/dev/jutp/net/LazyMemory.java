package dev.jutp.net;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory whose pages the kernel provides at first touch (an anonymous mapping), for large
 * buffers of which a run may use little: {@link Arena#allocate} zeroes every byte up front, and on a
 * small VM each page touched costs microseconds (12 ms for a receive batch of 64 full-size slots,
 * before a client's first SYN). Reads of an untouched page see zeros, as after {@code allocate}.
 */
final class LazyMemory {
    private LazyMemory() {
    }

    /** {@code bytes} of page-aligned, zero-filled memory, unmapped when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long bytes) throws IOException {
        MemorySegment errno = LibC.newErrnoState(arena);
        long address = LibC.mmapAnonymous(errno, bytes);
        if (address == -1) {
            throw new IOException("mmap of " + bytes + " bytes failed, errno " + LibC.errno(errno));
        }
        return MemorySegment.ofAddress(address).reinterpret(bytes, arena,
                segment -> LibC.munmapIgnoringErrno(segment.address(), bytes));
    }
}
