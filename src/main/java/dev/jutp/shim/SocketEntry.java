package dev.jutp.shim;

import dev.jutp.capi.UtpSocket;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** What a {@code utp_socket*} handle names: the Java socket, its context and C's userdata. */
final class SocketEntry extends Handles.Entry {

    final UtpSocket socket;
    final ContextEntry context;
    /** C's {@code void*} from utp_set_userdata. */
    long userdata;
    /** The {@code utp_socket_stats} handed to C, allocated on first utp_get_stats. */
    MemorySegment stats;

    SocketEntry(UtpSocket socket, ContextEntry context) {
        this.socket = socket;
        this.context = context;
    }

    MemorySegment stats() {
        if (stats == null) {
            stats = Arena.ofAuto().allocate(Layouts.SOCKET_STATS);
        }
        return stats;
    }
}
