package dev.jutp.capi;

/**
 * The out-parameters of libutp's {@code utp_get_delays}.
 *
 * @param ours   filtered queuing delay of our sending direction, µs
 * @param theirs filtered queuing delay of the peer's sending direction, µs
 * @param age    ms since the last packet that updated the estimates
 */
public record UtpDelays(int ours, int theirs, int age) {}
