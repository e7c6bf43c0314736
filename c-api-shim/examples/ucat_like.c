/*
 * ucat_like: netcat for files over uTP, written against libutp's API.
 *
 *   ucat_like -l [-b addr] [-p port] [-P portfile] [-o file]   receive one connection
 *   ucat_like [-i file] host port                              send a file (or stdin)
 *
 * Options: -t seconds  give up after this long (default 300)
 *          -q          quiet: no statistics at the end
 *
 * The receiver writes what arrives to -o (or stdout) and, at the sender's FIN
 * (EOF), closes and exits once its socket is destroyed (at most 3 s later);
 * the sender exits when its socket is destroyed, i.e. once its own FIN has
 * been acknowledged. One UDP socket per process, poll() for readiness, utp_check_timeouts
 * every loop. Exit status 0 on a complete transfer.
 *
 * Built twice by the Makefile: as an executable linked with -lutp, and as a
 * shared object whose main() the Java launcher dev.jutp.shim.CLauncher calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "utp.h"

#define CHUNK (64 * 1024)

static int fd = -1;
static utp_socket *conn;
static FILE *in, *out;
static unsigned char pending[CHUNK];
static size_t pending_off, pending_len;
static int input_done, closed, finished, failed, quiet, eof_seen;
static unsigned long long bytes_in, bytes_out;

static void die(const char *what) {
  perror(what);
  exit(1);
}

static uint64 on_sendto(utp_callback_arguments *a) {
  /* Errors such as ENOBUFS are dropped datagrams: uTP retransmits. */
  sendto(fd, a->buf, a->len, 0, a->address, a->address_len);
  return 0;
}

static void fill_and_write(void) {
  for (int guard = 0; guard < 100000 && !closed; guard++) {
    if (pending_off == pending_len && !input_done) {
      pending_len = fread(pending, 1, sizeof(pending), in);
      pending_off = 0;
      if (pending_len == 0) input_done = 1;
    }
    if (pending_off == pending_len && input_done) {
      utp_close(conn);                      /* all data accepted: FIN follows it */
      closed = 1;
      return;
    }
    ssize_t n = utp_write(conn, pending + pending_off, pending_len - pending_off);
    if (n < 0) { fprintf(stderr, "ucat_like: utp_write failed\n"); failed = 1; return; }
    if (n == 0) return;                     /* window full: wait for UTP_STATE_WRITABLE */
    pending_off += (size_t) n;
    bytes_out += (unsigned long long) n;
  }
}

static uint64 on_read(utp_callback_arguments *a) {
  if (fwrite(a->buf, 1, a->len, out) != a->len) die("write");
  bytes_in += a->len;
  utp_read_drained(a->socket);
  return 0;
}

static uint64 on_accept(utp_callback_arguments *a) {
  if (conn != NULL) {                       /* one connection only */
    utp_close(a->socket);
    return 0;
  }
  conn = a->socket;
  return 0;
}

static uint64 on_error(utp_callback_arguments *a) {
  fprintf(stderr, "ucat_like: %s\n", utp_error_code_names[a->error_code]);
  failed = 1;
  utp_close(a->socket);
  return 0;
}

static uint64 on_state_change(utp_callback_arguments *a) {
  switch (a->state) {
  case UTP_STATE_CONNECT:
  case UTP_STATE_WRITABLE:
    if (in != NULL) fill_and_write();
    break;
  case UTP_STATE_EOF:
    /* Everything has arrived. Close and stay until the socket is destroyed
     * (our FIN acknowledged) or a short linger passes: a process that exits at
     * once makes the peer's last ack hit a closed port, and a peer that treats
     * the ICMP error as fatal (libutp's ucat.c does) fails a clean transfer. */
    utp_close(a->socket);
    if (a->socket == conn) eof_seen = 1;
    break;
  case UTP_STATE_DESTROYING:
    if (a->socket == conn) finished = 1;
    break;
  }
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void) {
  fprintf(stderr, "usage: ucat_like -l [-b addr] [-p port] [-P portfile] [-o file] [-t s] [-q]\n"
                  "       ucat_like [-i file] [-t s] [-q] host port\n");
  exit(2);
}

int main(int argc, char **argv) {
  int listen_mode = 0, opt;
  const char *bind_addr = "127.0.0.1", *port = "0", *portfile = NULL;
  const char *infile = NULL, *outfile = NULL;
  double limit = 300;

  optind = 1;                               /* main() may be called by a host process */
  while ((opt = getopt(argc, argv, "lb:p:P:i:o:t:q")) != -1) {
    switch (opt) {
    case 'l': listen_mode = 1; break;
    case 'b': bind_addr = optarg; break;
    case 'p': port = optarg; break;
    case 'P': portfile = optarg; break;
    case 'i': infile = optarg; break;
    case 'o': outfile = optarg; break;
    case 't': limit = atof(optarg); break;
    case 'q': quiet = 1; break;
    default: usage();
    }
  }
  if (listen_mode != (argc - optind == 0)) usage();

  struct addrinfo hints, *res;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  if (getaddrinfo(listen_mode ? bind_addr : "127.0.0.1", listen_mode ? port : "0", &hints, &res) != 0)
    die("getaddrinfo");
  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  int sz = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
  if (bind(fd, res->ai_addr, res->ai_addrlen) != 0) die("bind");
  freeaddrinfo(res);
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) die("fcntl");

  utp_context *ctx = utp_init(2);
  if (ctx == NULL) { fprintf(stderr, "ucat_like: utp_init failed\n"); return 1; }
  utp_set_callback(ctx, UTP_SENDTO, &on_sendto);
  utp_set_callback(ctx, UTP_ON_READ, &on_read);
  utp_set_callback(ctx, UTP_ON_ERROR, &on_error);
  utp_set_callback(ctx, UTP_ON_STATE_CHANGE, &on_state_change);

  if (listen_mode) {
    out = outfile ? fopen(outfile, "wb") : stdout;
    if (out == NULL) die(outfile);
    utp_set_callback(ctx, UTP_ON_ACCEPT, &on_accept);
    if (portfile != NULL) {
      struct sockaddr_in me;
      socklen_t melen = sizeof(me);
      if (getsockname(fd, (struct sockaddr *) &me, &melen) != 0) die("getsockname");
      FILE *pf = fopen(portfile, "w");
      if (pf == NULL) die(portfile);
      fprintf(pf, "%d\n", ntohs(me.sin_port));
      fclose(pf);
    }
  } else {
    in = infile ? fopen(infile, "rb") : stdin;
    if (in == NULL) die(infile);
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(argv[optind], argv[optind + 1], &hints, &res) != 0) die("getaddrinfo");
    conn = utp_create_socket(ctx);
    if (utp_connect(conn, res->ai_addr, res->ai_addrlen) != 0) {
      fprintf(stderr, "ucat_like: utp_connect failed\n");
      return 1;
    }
    freeaddrinfo(res);
  }

  double start = now_s(), deadline = start + limit;
  static unsigned char dgram[65536];
  int lingering = 0;
  while (!finished && !failed && now_s() < deadline) {
    if (eof_seen && !lingering) {
      lingering = 1;
      if (now_s() + 3 < deadline) deadline = now_s() + 3;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int pr = poll(&p, 1, 50);
    if (pr < 0 && errno != EINTR) die("poll");
    if (pr > 0) {
      for (int burst = 0; burst < 4096; burst++) {
        struct sockaddr_storage src;
        socklen_t srclen = sizeof(src);
        ssize_t n = recvfrom(fd, dgram, sizeof(dgram), 0, (struct sockaddr *) &src, &srclen);
        if (n < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;
          if (errno == EINTR || errno == ECONNREFUSED) continue;
          die("recvfrom");
        }
        utp_process_udp(ctx, dgram, (size_t) n, (struct sockaddr *) &src, srclen);
      }
      utp_issue_deferred_acks(ctx);
    }
    utp_check_timeouts(ctx);
  }
  double secs = now_s() - start;

  if (!quiet) {
    unsigned long long b = listen_mode ? bytes_in : bytes_out;
    fprintf(stderr, "ucat_like: %s %llu bytes in %.2f s (%.1f MB/s)%s\n",
            listen_mode ? "received" : "sent", b, secs, b / secs / 1e6,
            finished || eof_seen ? "" : failed ? " FAILED" : " TIMED OUT");
  }
  if (out != NULL) fflush(out);
  if (out != NULL && out != stdout) fclose(out);
  if (in != NULL && in != stdin) fclose(in);
  int ok = (finished || eof_seen) && !failed && (listen_mode || input_done);
  utp_destroy(ctx);
  close(fd);
  return ok ? 0 : 1;
}
