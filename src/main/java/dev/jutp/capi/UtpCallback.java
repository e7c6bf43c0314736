package dev.jutp.capi;

/**
 * libutp's {@code utp_callback_t}: one type for every callback slot. The return value matters
 * only for {@code UTP_ON_FIREWALL} and the {@code UTP_GET_*} slots, as in libutp.
 */
@FunctionalInterface
public interface UtpCallback {
    /**
     * Handles one callback. Runs on the thread that called into the context; it may call back into
     * the API (libutp's re-entrancy rules apply).
     *
     * @param a the callback's arguments, valid only during this call
     * @return the slot's answer (for {@code UTP_ON_FIREWALL}: non-zero refuses the connection;
     *     for {@code UTP_GET_*}: the value asked for); ignored for other slots
     */
    long call(UtpCallbackArguments a);
}
