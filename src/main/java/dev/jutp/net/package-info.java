/**
 * UDP I/O for one endpoint: a batch {@link dev.jutp.net.Transport} over one bound socket, with a
 * portable {@code DatagramChannel} implementation and a Linux fast path through FFM downcalls
 * ({@code recvmmsg}, {@code sendmmsg}, UDP GSO, {@code IP_RECVERR}).
 *
 * <p>Threading: one owner thread calls everything except {@link dev.jutp.net.Transport#wakeup()},
 * which any thread may call. Nothing on the per-datagram path allocates in steady state.
 * This package depends on the JDK only.
 */
package dev.jutp.net;
