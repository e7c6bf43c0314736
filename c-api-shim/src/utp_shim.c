/*
 * utp_shim.c: libutp's exported functions, forwarded to jutp through the
 * table Java installs (see utp_shim.h). No protocol logic lives here.
 *
 * Locking: each context owns a recursive mutex (a stripe, chosen by the
 * handle's stripe bits). Every call on a context or on one of its sockets
 * holds it for the whole call, including the callbacks fired inside, which run
 * on the calling thread and may re-enter the API. Calls on different contexts
 * run in parallel.
 */
#include "utp_shim.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

const char *utp_state_names[] = {
  NULL,
  "UTP_STATE_CONNECT",
  "UTP_STATE_WRITABLE",
  "UTP_STATE_EOF",
  "UTP_STATE_DESTROYING",
};

const char *utp_error_code_names[] = {
  "UTP_ECONNREFUSED",
  "UTP_ECONNRESET",
  "UTP_ETIMEDOUT",
};

const char *utp_callback_names[] = {
  "UTP_ON_FIREWALL",
  "UTP_ON_ACCEPT",
  "UTP_ON_CONNECT",
  "UTP_ON_ERROR",
  "UTP_ON_READ",
  "UTP_ON_OVERHEAD_STATISTICS",
  "UTP_ON_STATE_CHANGE",
  "UTP_GET_READ_BUFFER_SIZE",
  "UTP_ON_DELAY_SAMPLE",
  "UTP_GET_UDP_MTU",
  "UTP_GET_UDP_OVERHEAD",
  "UTP_GET_MILLISECONDS",
  "UTP_GET_MICROSECONDS",
  "UTP_GET_RANDOM",
  "UTP_LOG",
  "UTP_SENDTO",
};

static struct utp_shim_vtable vt;
static int installed;                       /* read/written with __atomic */
static pthread_mutex_t stripes[UTP_SHIM_STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;
static pthread_once_t boot_once = PTHREAD_ONCE_INIT;

static void stripes_init(void) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  for (unsigned i = 0; i < UTP_SHIM_STRIPES; i++)
    pthread_mutex_init(&stripes[i], &attr);
  pthread_mutexattr_destroy(&attr);
}

int utp_shim_install(const struct utp_shim_vtable *table) {
  if (table == NULL || table->magic != UTP_SHIM_MAGIC || table->size != sizeof(vt))
    return -1;
  pthread_once(&stripes_once, stripes_init);
  memcpy(&vt, table, sizeof(vt));
  __atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
  return 0;
}

int utp_shim_installed(void) {
  return __atomic_load_n(&installed, __ATOMIC_ACQUIRE);
}

static void boot(void) {
  if (utp_shim_installed())
    return;                                 /* hosted by a Java launcher */
  if (utp_shim_boot_jvm() != 0 || !utp_shim_installed())
    fprintf(stderr, "jutp: libutp.so is not connected to a JVM; every utp_* call fails "
                    "(see c-api-shim/README.md, JUTP_JAVA_HOME and JUTP_JAR)\n");
}

/* 1 when calls can be forwarded; starts the JVM on first use. */
static inline int ready(void) {
  if (__builtin_expect(utp_shim_installed(), 1))
    return 1;
  pthread_once(&boot_once, boot);
  return utp_shim_installed();
}

static inline pthread_mutex_t *lock(const void *handle) {
  pthread_mutex_t *mu = &stripes[UTP_SHIM_STRIPE(handle)];
  pthread_mutex_lock(mu);
  return mu;
}

#define P(x) ((utp_shim_ptr) (uintptr_t) (x))

/* Forwarders. `h` is the handle that picks the lock; `fail` is libutp's error value. */
#define FORWARD(h, fail, call)                                     \
  do {                                                             \
    if (!ready()) return fail;                                     \
    pthread_mutex_t *mu_ = lock(h);                                \
    __typeof__(call) r_ = call;                                    \
    pthread_mutex_unlock(mu_);                                     \
    return r_;                                                     \
  } while (0)

#define FORWARD_VOID(h, call)                                      \
  do {                                                             \
    if (!ready()) return;                                          \
    pthread_mutex_t *mu_ = lock(h);                                \
    call;                                                          \
    pthread_mutex_unlock(mu_);                                     \
  } while (0)

utp_context *utp_init(int version) {
  if (!ready()) return NULL;
  return (utp_context *) (uintptr_t) vt.init(version);   /* Java's table is thread-safe */
}

void utp_destroy(utp_context *ctx) {
  FORWARD_VOID(ctx, vt.destroy(P(ctx)));
}

void utp_set_callback(utp_context *ctx, int callback_name, utp_callback_t *proc) {
  FORWARD_VOID(ctx, vt.set_callback(P(ctx), callback_name, P(proc)));
}

void *utp_context_set_userdata(utp_context *ctx, void *userdata) {
  FORWARD(ctx, NULL, (void *) (uintptr_t) vt.context_set_userdata(P(ctx), P(userdata)));
}

void *utp_context_get_userdata(utp_context *ctx) {
  FORWARD(ctx, NULL, (void *) (uintptr_t) vt.context_get_userdata(P(ctx)));
}

int utp_context_set_option(utp_context *ctx, int opt, int val) {
  FORWARD(ctx, -1, vt.context_set_option(P(ctx), opt, val));
}

int utp_context_get_option(utp_context *ctx, int opt) {
  FORWARD(ctx, -1, vt.context_get_option(P(ctx), opt));
}

int utp_process_udp(utp_context *ctx, const byte *buf, size_t len,
                    const struct sockaddr *to, socklen_t tolen) {
  FORWARD(ctx, 0, vt.process_udp(P(ctx), P(buf), len, P(to), (int32_t) tolen));
}

int utp_process_icmp_error(utp_context *ctx, const byte *buffer, size_t len,
                           const struct sockaddr *to, socklen_t tolen) {
  FORWARD(ctx, 0, vt.process_icmp_error(P(ctx), P(buffer), len, P(to), (int32_t) tolen));
}

int utp_process_icmp_fragmentation(utp_context *ctx, const byte *buffer, size_t len,
                                   const struct sockaddr *to, socklen_t tolen,
                                   uint16 next_hop_mtu) {
  FORWARD(ctx, 0, vt.process_icmp_fragmentation(P(ctx), P(buffer), len, P(to),
                                                (int32_t) tolen, next_hop_mtu));
}

void utp_check_timeouts(utp_context *ctx) {
  utp_shim_signals_check();
  FORWARD_VOID(ctx, vt.check_timeouts(P(ctx)));
}

void utp_issue_deferred_acks(utp_context *ctx) {
  FORWARD_VOID(ctx, vt.issue_deferred_acks(P(ctx)));
}

utp_context_stats *utp_get_context_stats(utp_context *ctx) {
  FORWARD(ctx, NULL, (utp_context_stats *) (uintptr_t) vt.get_context_stats(P(ctx)));
}

utp_socket *utp_create_socket(utp_context *ctx) {
  FORWARD(ctx, NULL, (utp_socket *) (uintptr_t) vt.create_socket(P(ctx)));
}

void *utp_set_userdata(utp_socket *s, void *userdata) {
  FORWARD(s, NULL, (void *) (uintptr_t) vt.set_userdata(P(s), P(userdata)));
}

void *utp_get_userdata(utp_socket *s) {
  FORWARD(s, NULL, (void *) (uintptr_t) vt.get_userdata(P(s)));
}

int utp_setsockopt(utp_socket *s, int opt, int val) {
  FORWARD(s, -1, vt.setsockopt(P(s), opt, val));
}

int utp_getsockopt(utp_socket *s, int opt) {
  FORWARD(s, -1, vt.getsockopt(P(s), opt));
}

int utp_connect(utp_socket *s, const struct sockaddr *to, socklen_t tolen) {
  FORWARD(s, -1, vt.connect(P(s), P(to), (int32_t) tolen));
}

ssize_t utp_write(utp_socket *s, void *buf, size_t count) {
  FORWARD(s, -1, (ssize_t) vt.write(P(s), P(buf), count));
}

ssize_t utp_writev(utp_socket *s, struct utp_iovec *iovec, size_t num_iovecs) {
  FORWARD(s, -1, (ssize_t) vt.writev(P(s), P(iovec), num_iovecs));
}

int utp_getpeername(utp_socket *s, struct sockaddr *addr, socklen_t *addrlen) {
  FORWARD(s, -1, vt.getpeername(P(s), P(addr), P(addrlen)));
}

void utp_read_drained(utp_socket *s) {
  FORWARD_VOID(s, vt.read_drained(P(s)));
}

int utp_get_delays(utp_socket *s, uint32 *ours, uint32 *theirs, uint32 *age) {
  FORWARD(s, -1, vt.get_delays(P(s), P(ours), P(theirs), P(age)));
}

utp_socket_stats *utp_get_stats(utp_socket *s) {
  FORWARD(s, NULL, (utp_socket_stats *) (uintptr_t) vt.get_stats(P(s)));
}

utp_context *utp_get_context(utp_socket *s) {
  FORWARD(s, NULL, (utp_context *) (uintptr_t) vt.get_context(P(s)));
}

void utp_shutdown(utp_socket *s, int how) {
  FORWARD_VOID(s, vt.shutdown(P(s), how));
}

void utp_close(utp_socket *s) {
  FORWARD_VOID(s, vt.close(P(s)));
}
