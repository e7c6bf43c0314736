/**
 * The Java half of the C shim ({@code c-api-shim/}): the upcall table behind {@code libutp.so}
 * ({@link dev.jutp.shim.ShimTable}), the agent that installs it when a C program starts the JVM
 * ({@link dev.jutp.shim.ShimAgent}), and a launcher that hosts a C program built as a shared
 * object ({@link dev.jutp.shim.CLauncher}). Internal: not exported by the module.
 */
package dev.jutp.shim;
