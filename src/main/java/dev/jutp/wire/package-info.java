/** The uTP v1 wire format: header and extension codec over {@code MemorySegment}s, and 16/32-bit wrap arithmetic. */
package dev.jutp.wire;
