/** Engine-time bookkeeping (deadlines); the engine never reads a clock itself. */
package dev.jutp.engine.time;
