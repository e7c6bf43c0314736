package dev.jutp.shim;

import dev.jutp.capi.UtpContext;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

/**
 * What a {@code utp_context*} handle names: the Java context, C's userdata, the callback bridge
 * and every socket handle issued for it (released at the latest by utp_destroy). Touched only
 * under the context's C-side lock.
 */
final class ContextEntry extends Handles.Entry {

    final UtpContext context;
    final SockAddrs addrs = new SockAddrs();
    final Set<SocketEntry> sockets = new HashSet<>();
    final CallbackBridge bridge;
    /** C's {@code void*} from utp_context_set_userdata. */
    long userdata;
    /** The {@code utp_context_stats} handed to C, allocated on first use. */
    MemorySegment stats;

    ContextEntry(UtpContext context) {
        this.context = context;
        this.bridge = new CallbackBridge(this);
    }

    MemorySegment stats() {
        if (stats == null) {
            stats = Arena.ofAuto().allocate(Layouts.CONTEXT_STATS);
        }
        return stats;
    }
}
