package dev.jutp.capi;

/**
 * libutp's {@code utp_callback_t}: one type for every callback slot. The return value matters
 * only for {@code UTP_ON_FIREWALL} and the {@code UTP_GET_*} slots, as in libutp.
 */
@FunctionalInterface
public interface UtpCallback {
    long call(UtpCallbackArguments a);
}
