/**
 * Loss detection for one connection, as decisions over the send times and sequence numbers the
 * connection supplies: {@link dev.jutp.engine.loss.RackTlp} (RACK's time rule and the tail-loss
 * probe), {@link dev.jutp.engine.loss.FastRetransmit} (libutp's fast-resend marker, duplicate
 * acks, the recovery after a timeout, the SACK threshold) and
 * {@link dev.jutp.engine.loss.LossCandidates} (the bounded list of packets one SACK proves lost).
 * Nothing here sends, reads a clock or allocates per packet; the engine's {@code Retransmitter}
 * acts on the verdicts. May use {@code dev.jutp.wire} only.
 */
package dev.jutp.engine.loss;
