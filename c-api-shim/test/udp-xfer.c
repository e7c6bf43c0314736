/* udp-xfer.c: see udp-xfer.h. */
#include "udp-xfer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct udp_xfer {
  utp_context *ctx[2];
  int fd[2];
  struct sockaddr_in addr[2];
  utp_socket *sender, *receiver;
  size_t total, written, received;
  int eof, failed, sender_closed;
  udp_xfer_data_fn on_data;
  void *arg;
};

byte udp_xfer_pattern(size_t i) { return (byte) ((i * 167u) ^ (i >> 9) ^ 0x5a); }

static struct udp_xfer *of(utp_callback_arguments *a) {
  return (struct udp_xfer *) utp_context_get_userdata(a->context);
}

static uint64 on_sendto(utp_callback_arguments *a) {
  struct udp_xfer *x = of(a);
  int side = a->context == x->ctx[0] ? 0 : 1;
  sendto(x->fd[side], a->buf, a->len, 0, a->address, a->address_len);  /* loss is uTP's job */
  return 0;
}

static void pump(struct udp_xfer *x) {
  static __thread byte chunk[32768];
  for (int guard = 0; guard < 1000 && x->written < x->total; guard++) {
    size_t n = x->total - x->written < sizeof(chunk) ? x->total - x->written : sizeof(chunk);
    for (size_t i = 0; i < n; i++) chunk[i] = udp_xfer_pattern(x->written + i);
    ssize_t w = utp_write(x->sender, chunk, n);
    if (w < 0) { x->failed = 1; return; }
    if (w == 0) return;
    x->written += (size_t) w;
  }
  if (x->written == x->total && !x->sender_closed) {
    x->sender_closed = 1;
    utp_close(x->sender);
  }
}

static uint64 on_state(utp_callback_arguments *a) {
  struct udp_xfer *x = of(a);
  if (a->socket == x->sender && (a->state == UTP_STATE_CONNECT || a->state == UTP_STATE_WRITABLE))
    pump(x);
  if (a->socket == x->receiver && a->state == UTP_STATE_EOF) {
    x->eof = 1;
    utp_close(a->socket);
  }
  return 0;
}

static uint64 on_accept(utp_callback_arguments *a) {
  struct udp_xfer *x = of(a);
  if (x->receiver != NULL) x->failed = 1;
  x->receiver = a->socket;
  return 0;
}

static uint64 on_read(utp_callback_arguments *a) {
  struct udp_xfer *x = of(a);
  for (size_t i = 0; i < a->len; i++)
    if (a->buf[i] != udp_xfer_pattern(x->received + i)) {
      fprintf(stderr, "udp-xfer: byte %zu differs\n", x->received + i);
      x->failed = 1;
      break;
    }
  if (x->on_data != NULL) x->on_data(x->arg, a->buf, a->len);
  x->received += a->len;
  utp_read_drained(a->socket);
  return 0;
}

static uint64 on_error(utp_callback_arguments *a) {
  struct udp_xfer *x = of(a);
  /* libutp's close race: ECONNRESET for a FIN after the peer is gone. */
  if (!(x->eof && a->error_code == UTP_ECONNRESET)) {
    fprintf(stderr, "udp-xfer: error %d\n", a->error_code);
    x->failed = 1;
  }
  return 0;
}

struct udp_xfer *udp_xfer_new(size_t total, udp_xfer_data_fn on_data, void *arg) {
  struct udp_xfer *x = calloc(1, sizeof(*x));
  if (x == NULL) return NULL;
  x->total = total;
  x->on_data = on_data;
  x->arg = arg;
  for (int i = 0; i < 2; i++) {
    x->fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
    x->addr[i].sin_family = AF_INET;
    x->addr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(x->addr[i]);
    int buf = 4 << 20;
    setsockopt(x->fd[i], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    if (x->fd[i] < 0 || bind(x->fd[i], (struct sockaddr *) &x->addr[i], len) != 0 ||
        getsockname(x->fd[i], (struct sockaddr *) &x->addr[i], &len) != 0) {
      perror("udp-xfer socket");
      return NULL;
    }
    fcntl(x->fd[i], F_SETFL, O_NONBLOCK);
    x->ctx[i] = utp_init(2);
    if (x->ctx[i] == NULL) return NULL;
    utp_context_set_userdata(x->ctx[i], x);
    utp_set_callback(x->ctx[i], UTP_SENDTO, on_sendto);
    utp_set_callback(x->ctx[i], UTP_ON_STATE_CHANGE, on_state);
    utp_set_callback(x->ctx[i], UTP_ON_READ, on_read);
    utp_set_callback(x->ctx[i], UTP_ON_ERROR, on_error);
  }
  utp_set_callback(x->ctx[1], UTP_ON_ACCEPT, on_accept);
  x->sender = utp_create_socket(x->ctx[0]);
  if (x->sender == NULL ||
      utp_connect(x->sender, (struct sockaddr *) &x->addr[1], sizeof(x->addr[1])) != 0)
    return NULL;
  return x;
}

void udp_xfer_free(struct udp_xfer *x) {
  for (int i = 0; i < 2; i++) {
    utp_destroy(x->ctx[i]);
    close(x->fd[i]);
  }
  free(x);
}

int udp_xfer_fd(const struct udp_xfer *x, int side) { return x->fd[side]; }
size_t udp_xfer_received(const struct udp_xfer *x) { return x->received; }

void udp_xfer_readable(struct udp_xfer *x, int side) {
  byte dgram[2048];
  for (int n = 0; n < 4096; n++) {
    struct sockaddr_in src;
    socklen_t srclen = sizeof(src);
    ssize_t len = recvfrom(x->fd[side], dgram, sizeof(dgram), 0, (struct sockaddr *) &src, &srclen);
    if (len < 0) break;                                   /* EAGAIN: drained */
    utp_process_udp(x->ctx[side], dgram, (size_t) len, (struct sockaddr *) &src, srclen);
  }
  utp_issue_deferred_acks(x->ctx[side]);
}

void udp_xfer_tick(struct udp_xfer *x) {
  utp_check_timeouts(x->ctx[0]);
  utp_check_timeouts(x->ctx[1]);
}

int udp_xfer_state(const struct udp_xfer *x) {
  if (x->failed) return -1;
  return x->eof && x->received == x->total ? 1 : 0;
}

int udp_xfer_run(struct udp_xfer *x, int timeout_s, void (*tick)(void *), void *arg) {
  time_t deadline = time(NULL) + timeout_s;
  for (long round = 0; round < 10000000L && udp_xfer_state(x) == 0 && time(NULL) < deadline; round++) {
    struct pollfd p[2] = { { .fd = x->fd[0], .events = POLLIN }, { .fd = x->fd[1], .events = POLLIN } };
    int r = poll(p, 2, 10);
    if (r < 0 && errno != EINTR) return -1;
    for (int i = 0; i < 2; i++)
      if (r > 0 && (p[i].revents & POLLIN)) udp_xfer_readable(x, i);
    udp_xfer_tick(x);
    if (tick != NULL) tick(arg);
  }
  int st = udp_xfer_state(x);
  if (st == 0) fprintf(stderr, "udp-xfer: timed out with %zu of %zu bytes\n", x->received, x->total);
  return st;
}
