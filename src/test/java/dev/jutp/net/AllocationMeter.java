package dev.jutp.net;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reads this thread's allocated-bytes counter ({@code com.sun.management.ThreadMXBean}). Looked up
 * reflectively because the tests compile inside module {@code dev.jutp}, which does not (and should
 * not) read {@code java.management}; at run time the tests are on the class path.
 */
public final class AllocationMeter {
    private final Object bean;
    private final MethodHandle allocatedBytes;

    public AllocationMeter() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            bean = factory.getMethod("getThreadMXBean").invoke(null);
            Class<?> sunBean = Class.forName("com.sun.management.ThreadMXBean");
            allocatedBytes = MethodHandles.publicLookup()
                    .findVirtual(sunBean, "getThreadAllocatedBytes", MethodType.methodType(long.class, long.class))
                    .asType(MethodType.methodType(long.class, Object.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("this JVM cannot count allocated bytes per thread", e);
        }
    }

    public long currentThreadAllocatedBytes() {
        try {
            return (long) allocatedBytes.invokeExact(bean, Thread.currentThread().threadId());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
