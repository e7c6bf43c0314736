/*
 * test-threads.c: the threading contract. Several C threads each drive their
 * own contexts at the same time; several threads calling into one shared
 * context are serialised by the shim (every call returns libutp's answer).
 */
#include <pthread.h>
#include <string.h>

#include "mem-net.h"
#include "task.h"

#define THREADS 4
#define BYTES (256 * 1024)

struct job {
  size_t sent, received;
  int done;
  utp_socket *client;
};

static struct job *J(utp_callback_arguments *a) {
  return ((struct mem_peer *) utp_context_get_userdata(a->context))->user;
}

static void send_more(struct job *j) {
  static __thread byte chunk[8192];
  for (int guard = 0; guard < 64 && j->sent < BYTES; guard++) {
    size_t n = BYTES - j->sent < sizeof(chunk) ? BYTES - j->sent : sizeof(chunk);
    for (size_t i = 0; i < n; i++) chunk[i] = (byte) (j->sent + i);
    ssize_t w = utp_write(j->client, chunk, n);
    ASSERT_GE(w, 0);
    if (w == 0) return;
    j->sent += (size_t) w;
  }
}

static uint64 on_accept(utp_callback_arguments *a) { return 0; }

static uint64 on_read(utp_callback_arguments *a) {
  struct job *j = J(a);
  for (size_t i = 0; i < a->len; i++)
    ASSERT_EQ(a->buf[i], (byte) (j->received + i));
  j->received += a->len;
  utp_read_drained(a->socket);
  return 0;
}

static uint64 on_state(utp_callback_arguments *a) {
  struct job *j = J(a);
  if (a->socket == j->client &&
      (a->state == UTP_STATE_CONNECT || a->state == UTP_STATE_WRITABLE))
    send_more(j);
  return 0;
}

static void *run_pair(void *arg) {
  struct job *j = arg;
  struct mem_net *net = mem_net_new();
  struct mem_peer *pa = mem_net_peer(net, 0), *pb = mem_net_peer(net, 1);
  pa->user = pb->user = j;
  for (int i = 0; i < 2; i++) {
    utp_set_callback(mem_net_peer(net, i)->ctx, UTP_ON_READ, on_read);
    utp_set_callback(mem_net_peer(net, i)->ctx, UTP_ON_STATE_CHANGE, on_state);
  }
  utp_set_callback(pb->ctx, UTP_ON_ACCEPT, on_accept);
  j->client = utp_create_socket(pa->ctx);
  ASSERT_EQ(utp_connect(j->client, (const struct sockaddr *) &pb->addr, sizeof(pb->addr)), 0);
  for (int step = 0; step < 300000 && j->received < BYTES; step++)
    mem_net_step(net, 1000);
  j->done = 1;
  mem_net_free(net);
  return NULL;
}

struct hammer { utp_context *ctx; int bad; };

static void *hammer(void *arg) {
  struct hammer *h = arg;
  for (int i = 0; i < 20000; i++) {
    if (utp_context_get_option(h->ctx, UTP_SNDBUF) != 1048576) h->bad++;
    utp_socket *s = utp_create_socket(h->ctx);
    if (s == NULL || utp_get_context(s) != h->ctx) h->bad++;
  }
  return NULL;
}

TEST_IMPL(threads) {
  pthread_t t[THREADS];
  struct job jobs[THREADS];
  memset(jobs, 0, sizeof(jobs));
  for (int i = 0; i < THREADS; i++)
    ASSERT_EQ(pthread_create(&t[i], NULL, run_pair, &jobs[i]), 0);
  for (int i = 0; i < THREADS; i++) {
    ASSERT_EQ(pthread_join(t[i], NULL), 0);
    ASSERT_EQ(jobs[i].received, BYTES);
    ASSERT_EQ(jobs[i].done, 1);
  }

  utp_context *shared = utp_init(2);
  ASSERT_NOT_NULL(shared);
  struct hammer h[THREADS];
  for (int i = 0; i < THREADS; i++) {
    h[i].ctx = shared;
    h[i].bad = 0;
    ASSERT_EQ(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    ASSERT_EQ(pthread_join(t[i], NULL), 0);
    ASSERT_EQ(h[i].bad, 0);
  }
  utp_destroy(shared);
  return 0;
}
