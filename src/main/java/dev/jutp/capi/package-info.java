/** The libutp-compatible callback API: {@code import static dev.jutp.capi.Utp.*;}. */
package dev.jutp.capi;
