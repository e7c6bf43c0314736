/*
 * bench-shim.c: what the shim costs.
 *   call        ns per utp_context_get_option (C -> Java -> C, no callback)
 *   callback    ns per utp_check_timeouts that fires one C GET_MILLISECONDS callback
 *               (C -> Java -> C callback -> Java -> C), minus nothing: both figures printed
 *   throughput  MB/s of a shim-to-shim transfer over mem-net (one thread, fake clock,
 *               every datagram copied once by the test network)
 * Prints one line per figure; numbers only inform, nothing is asserted.
 */
#include <string.h>
#include <time.h>

#include "mem-net.h"
#include "task.h"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64 fixed_ms(utp_callback_arguments *a) { return 1000; }

struct sink { utp_socket *client; size_t sent, received, total; };
static struct sink S;
static byte chunk[65536];

static void pump(void) {
  for (int g = 0; g < 1000 && S.sent < S.total; g++) {
    size_t n = S.total - S.sent < sizeof(chunk) ? S.total - S.sent : sizeof(chunk);
    ssize_t w = utp_write(S.client, chunk, n);
    if (w <= 0) return;
    S.sent += (size_t) w;
  }
}
static uint64 on_read(utp_callback_arguments *a) { S.received += a->len; utp_read_drained(a->socket); return 0; }
static uint64 on_state(utp_callback_arguments *a) {
  if (a->socket == S.client && (a->state == UTP_STATE_CONNECT || a->state == UTP_STATE_WRITABLE)) pump();
  return 0;
}
static uint64 on_accept(utp_callback_arguments *a) { return 0; }

int main(void) {
  utp_context *ctx = utp_init(2);
  ASSERT_NOT_NULL(ctx);
  const int warm = 200000, n = 2000000;
  volatile int sink = 0;
  for (int i = 0; i < warm; i++) sink += utp_context_get_option(ctx, UTP_SNDBUF);
  double t0 = now_ns();
  for (int i = 0; i < n; i++) sink += utp_context_get_option(ctx, UTP_SNDBUF);
  double call_ns = (now_ns() - t0) / n;
  printf("call        %.1f ns per utp_context_get_option\n", call_ns);

  utp_set_callback(ctx, UTP_GET_MILLISECONDS, fixed_ms);
  for (int i = 0; i < warm; i++) utp_check_timeouts(ctx);
  t0 = now_ns();
  for (int i = 0; i < n; i++) utp_check_timeouts(ctx);
  double cb_ns = (now_ns() - t0) / n;
  printf("callback    %.1f ns per utp_check_timeouts with one GET_MILLISECONDS callback "
         "(~%.1f ns for the callback leg)\n", cb_ns, cb_ns - call_ns);
  utp_destroy(ctx);

  struct mem_net *net = mem_net_new();
  struct mem_peer *pa = mem_net_peer(net, 0), *pb = mem_net_peer(net, 1);
  for (int i = 0; i < 2; i++) {
    utp_set_callback(mem_net_peer(net, i)->ctx, UTP_ON_READ, on_read);
    utp_set_callback(mem_net_peer(net, i)->ctx, UTP_ON_STATE_CHANGE, on_state);
  }
  utp_set_callback(pb->ctx, UTP_ON_ACCEPT, on_accept);
  S.total = 256u << 20;
  S.client = utp_create_socket(pa->ctx);
  ASSERT_EQ(utp_connect(S.client, (const struct sockaddr *) &pb->addr, sizeof(pb->addr)), 0);
  t0 = now_ns();
  for (int step = 0; step < 10000000 && S.received < S.total; step++)
    mem_net_step(net, 200);
  double secs = (now_ns() - t0) / 1e9;
  printf("throughput  %.1f MB/s shim-to-shim, one thread, in-memory (%zu MB in %.2f s)\n",
         S.received / secs / 1e6, S.received >> 20, secs);
  mem_net_free(net);
  (void) sink;
  if (S.received != S.total)
    fprintf(stderr, "bench: received %zu of %zu bytes\n", S.received, S.total);
  return S.received == S.total ? 0 : 1;
}
