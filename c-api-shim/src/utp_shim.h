/*
 * utp_shim.h: the contract between libutp.so (C) and jutp (Java).
 *
 * libutp.so is a table of forwarders. Java (dev.jutp.shim.ShimTable) allocates
 * a struct utp_shim_vtable in native memory, stores one FFM upcall stub per
 * entry, and hands it to utp_shim_install(). Every utp_* function then takes
 * the context's lock and calls through the table.
 *
 * Every pointer crosses the boundary as a uint64 (a C pointer and a Java
 * `long` travel in the same register class on LP64 ABIs), so Java receives
 * handles and buffer addresses without allocating a MemorySegment per call.
 *
 * Handles: utp_context* and utp_socket* are tokens minted by Java, never
 * dereferenced. Layout of a handle value (fixed here, mirrored in
 * dev.jutp.shim.Handles):
 *
 *   bits  0..3   zero (handles look 16-byte aligned)
 *   bits  4..15  lock stripe: the owning context's stripe, equal for a context
 *                and all its sockets
 *   bits 16..39  slot in Java's handle table
 *   bits 40..62  generation of that slot (a stale handle never matches)
 */
#ifndef UTP_SHIM_H
#define UTP_SHIM_H

#include <stdint.h>
#include "../include/utp.h"

#define UTP_SHIM_MAGIC        0x6a75747073686d31ULL /* "jutpshm1" */
#define UTP_SHIM_STRIPE_BITS  12
#define UTP_SHIM_STRIPES      (1u << UTP_SHIM_STRIPE_BITS)
#define UTP_SHIM_STRIPE(h)    ((unsigned) (((uint64_t) (uintptr_t) (h) >> 4) & (UTP_SHIM_STRIPES - 1)))

typedef uint64_t utp_shim_ptr;   /* a handle or a buffer address */

/* One entry per exported utp_* function, in utp.h order. */
struct utp_shim_vtable {
  uint64_t magic;                /* UTP_SHIM_MAGIC */
  uint64_t size;                 /* sizeof(struct utp_shim_vtable) */

  utp_shim_ptr (*init)(int32_t version);
  void         (*destroy)(utp_shim_ptr ctx);
  void         (*set_callback)(utp_shim_ptr ctx, int32_t name, utp_shim_ptr proc);
  utp_shim_ptr (*context_set_userdata)(utp_shim_ptr ctx, utp_shim_ptr ud);
  utp_shim_ptr (*context_get_userdata)(utp_shim_ptr ctx);
  int32_t      (*context_set_option)(utp_shim_ptr ctx, int32_t opt, int32_t val);
  int32_t      (*context_get_option)(utp_shim_ptr ctx, int32_t opt);
  int32_t      (*process_udp)(utp_shim_ptr ctx, utp_shim_ptr buf, uint64_t len,
                              utp_shim_ptr sa, int32_t salen);
  int32_t      (*process_icmp_error)(utp_shim_ptr ctx, utp_shim_ptr buf, uint64_t len,
                                     utp_shim_ptr sa, int32_t salen);
  int32_t      (*process_icmp_fragmentation)(utp_shim_ptr ctx, utp_shim_ptr buf, uint64_t len,
                                             utp_shim_ptr sa, int32_t salen, int32_t mtu);
  void         (*check_timeouts)(utp_shim_ptr ctx);
  void         (*issue_deferred_acks)(utp_shim_ptr ctx);
  utp_shim_ptr (*get_context_stats)(utp_shim_ptr ctx);
  utp_shim_ptr (*create_socket)(utp_shim_ptr ctx);
  utp_shim_ptr (*set_userdata)(utp_shim_ptr s, utp_shim_ptr ud);
  utp_shim_ptr (*get_userdata)(utp_shim_ptr s);
  int32_t      (*setsockopt)(utp_shim_ptr s, int32_t opt, int32_t val);
  int32_t      (*getsockopt)(utp_shim_ptr s, int32_t opt);
  int32_t      (*connect)(utp_shim_ptr s, utp_shim_ptr sa, int32_t salen);
  int64_t      (*write)(utp_shim_ptr s, utp_shim_ptr buf, uint64_t count);
  int64_t      (*writev)(utp_shim_ptr s, utp_shim_ptr iov, uint64_t n);
  int32_t      (*getpeername)(utp_shim_ptr s, utp_shim_ptr sa, utp_shim_ptr salen);
  void         (*read_drained)(utp_shim_ptr s);
  int32_t      (*get_delays)(utp_shim_ptr s, utp_shim_ptr ours, utp_shim_ptr theirs, utp_shim_ptr age);
  utp_shim_ptr (*get_stats)(utp_shim_ptr s);
  utp_shim_ptr (*get_context)(utp_shim_ptr s);
  void         (*shutdown)(utp_shim_ptr s, int32_t how);
  void         (*close)(utp_shim_ptr s);
};

/* Called by Java once; copies the table. 0 on success, -1 on a mismatched table. */
UTP_EXTERN int utp_shim_install(const struct utp_shim_vtable *vt);

/* 1 once a table is installed. */
UTP_EXTERN int utp_shim_installed(void);

/* Starts a JVM in this process (JNI invocation interface only) whose agent
 * installs the table. 0 on success. Defined in jvm_boot.c. */
int utp_shim_boot_jvm(void);

/* signals.c: the JVM's signals inside a host process. */
int  utp_shim_signals_before_jvm(void);       /* picks the suspend signal; returns it */
void utp_shim_signals_after_jvm(void *libjvm);
void utp_shim_signals_check(void);            /* rate-limited; from utp_check_timeouts */
int  utp_shim_signals_interposed(void);       /* 1 if libutp.so's sigaction is the process's */

#endif /* UTP_SHIM_H */
