/*
 * utp_bench.c: libutp <-> libutp throughput baseline for jutp's benchmark suite.
 *
 * Built at bench time against the libutp sources shipped in the npm package utp-native
 * (node_modules/utp-native/deps/libutp) by build.sh; uses only the public utp.h API.
 *
 *   utp_bench recv [--host 127.0.0.1] [--port 0] [--bytes N] [--buf B] [--timeout-s T]
 *   utp_bench send --host H --port P --bytes N [--bind 127.0.0.1] [--buf B] [--timeout-s T]
 *   utp_bench udprecv / udpsend  (same options): raw UDP reference, 1400-byte datagrams, sendto ->
 *       blocking recvfrom, no uTP; the sender ends with 1-byte end markers. Run it in the same round
 *       as the uTP runs: the uTP/raw-UDP ratio is steadier than MB/s on a shared machine.
 *       udpsend --gso 1: the same 1400-byte datagrams, handed to the kernel 44 at a time as one UDP GSO
 *       (UDP_SEGMENT) send; the result line says "gso":true if the kernel took it.
 *
 * The receiver prints {"event":"listening","port":N} once bound, then one result line. The sender
 * prints one result line. Result: {"role":..,"bytes":..,"secs":..,"mb_per_s":..,"cpu_s":..,
 * "cpu_s_per_gb":..,"rcvbuf":..,"sndbuf":..,"ok":true|false[,"error":..],"loops":..,"drains":..,
 * "datagrams_in":..,"datagrams_out":..,"idle_polls":..}  (idle_polls: 5 ms polls that timed out).
 * MB = 10^6 bytes; GB = 10^9 bytes. The receiver's time runs from its first data byte to EOF
 * (goodput as the receiver sees it); the sender's from CONNECT to the receiver's FIN.
 * cpu_s is this process's user+sys time (getrusage). Exit: 0 ok, 1 failure, 2 usage, 3 timeout.
 *
 * Data: byte[i] = (i*31+7) & 0xff; the receiver checks every byte.
 * Loop: drain the (blocking) socket with MSG_DONTWAIT, feeding utp_process_udp; then
 * utp_issue_deferred_acks; utp_check_timeouts every 2 ms; poll(5 ms) when the socket is empty.
 * The sender writes in 64 KiB utp_write calls on CONNECT/WRITABLE until libutp takes less, and
 * half-closes (utp_shutdown SHUT_WR, i.e. FIN) after the last byte; the receiver closes at EOF.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "utp.h"

#define CHUNK 65536

static unsigned char pattern[CHUNK + 256];

static struct {
    int sending;
    int fd;
    uint64_t total;       /* bytes to move */
    uint64_t done;        /* sent (sender) or received (receiver) */
    uint64_t mismatch_at; /* first bad byte + 1, 0 if none */
    utp_socket *sock;
    int connected, eof, destroyed, shut;
    int error_code;       /* -1 none */
    double t_start, t_end;
    uint64_t datagrams_out;
} S;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void pump(void) {
    while (S.sock && !S.shut && S.done < S.total) {
        size_t off = (size_t)(S.done % 256);
        size_t len = S.total - S.done < CHUNK ? (size_t)(S.total - S.done) : CHUNK;
        ssize_t n = utp_write(S.sock, pattern + off, len);
        if (n <= 0) return; /* wait for UTP_STATE_WRITABLE */
        S.done += (uint64_t)n;
    }
    if (S.sock && !S.shut && S.done == S.total) {
        S.shut = 1;
        utp_shutdown(S.sock, SHUT_WR);
    }
}

static uint64 cb_sendto(utp_callback_arguments *a) {
    S.datagrams_out++;
    /* Blocking socket: sendto waits when SO_SNDBUF is full rather than dropping. */
    for (int tries = 0; tries < 1000; tries++) {
        ssize_t r = sendto(S.fd, a->buf, a->len, 0, a->address, a->address_len);
        if (r >= 0 || (errno != EINTR && errno != ENOBUFS)) break;
    }
    return 0;
}

static uint64 cb_read(utp_callback_arguments *a) {
    const unsigned char *p = a->buf;
    size_t len = a->len;
    if (S.done == 0 && S.t_start == 0) S.t_start = now_s();
    if (!S.mismatch_at) {
        uint64_t off = S.done;
        size_t i = 0;
        while (i < len) {
            size_t n = len - i < CHUNK ? len - i : CHUNK;
            if (memcmp(p + i, pattern + (off + i) % 256, n) != 0) {
                for (size_t j = 0; j < n; j++)
                    if (p[i + j] != pattern[(off + i + j) % 256]) { S.mismatch_at = off + i + j + 1; break; }
                break;
            }
            i += n;
        }
    }
    S.done += len;
    utp_read_drained(a->socket);
    return 0;
}

static uint64 cb_state(utp_callback_arguments *a) {
    switch (a->state) {
    case UTP_STATE_CONNECT:
        S.connected = 1;
        if (S.sending) { S.t_start = now_s(); pump(); }
        break;
    case UTP_STATE_WRITABLE:
        if (S.sending) pump();
        break;
    case UTP_STATE_EOF:
        if (!S.eof) {
            S.eof = 1;
            S.t_end = now_s();
            utp_close(a->socket); /* FIN (receiver) / finish (sender) */
        }
        break;
    case UTP_STATE_DESTROYING:
        S.destroyed = 1;
        if (a->socket == S.sock) S.sock = NULL;
        break;
    }
    return 0;
}

static uint64 cb_accept(utp_callback_arguments *a) {
    if (S.sock) { utp_close(a->socket); return 0; } /* one connection only */
    S.sock = a->socket;
    S.connected = 1;
    return 0;
}

static uint64 cb_firewall(utp_callback_arguments *a) { (void)a; return S.sock != NULL; }

static uint64 cb_error(utp_callback_arguments *a) {
    S.error_code = a->error_code;
    return 0;
}

static uint64 cb_read_buffer_size(utp_callback_arguments *a) { (void)a; return 0; }

static void usage(void) {
    fprintf(stderr,
            "usage: utp_bench recv [--host 127.0.0.1] [--port 0] [--bytes N] [--buf B] [--timeout-s T]\n"
            "       utp_bench send --host H --port P --bytes N [--bind 127.0.0.1] [--buf B] [--timeout-s T]\n"
            "       utp_bench udprecv|udpsend ... [--gso 1] (raw UDP reference, same options)\n");
    exit(2);
}

/* Raw UDP reference: 1400-byte datagrams, sendto -> blocking recvfrom (poll-bounded). */
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

static int raw_udp(const char *host, int port, double timeout_s, int rcvbuf, int sndbuf, struct sockaddr_in *me,
                   int gso) {
    static unsigned char dg[65536];
    const size_t DG = 1400;
    size_t per_send = DG;
    if (gso) {
        int seg = (int)DG;
        if (setsockopt(S.fd, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) == 0) per_send = 44 * DG;
        else gso = 0;
    }
    const double t0 = now_s(), deadline = t0 + timeout_s;
    int ok = 1;
    uint64_t datagrams = 0;
    double secs = 0;
    if (S.sending) {
        struct sockaddr_in to = {0};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        if (inet_pton(AF_INET, host, &to.sin_addr) != 1) usage();
        double ts = now_s();
        while (S.done < S.total) {
            size_t len = S.total - S.done < per_send ? (size_t)(S.total - S.done) : per_send;
            if (sendto(S.fd, pattern + S.done % 256, len, 0, (struct sockaddr *)&to, sizeof to) < 0) {
                if (errno == EINTR || errno == ENOBUFS) continue;
                ok = 0; break;
            }
            S.done += len; datagrams += (len + DG - 1) / DG;
            if ((datagrams & 1023) < (len + DG - 1) / DG && now_s() > deadline) { ok = 0; break; }
        }
        secs = now_s() - ts;
        for (int i = 0; i < 50; i++) { /* end markers: 1-byte datagrams, spread over 50 ms */
            sendto(S.fd, "E", 1, 0, (struct sockaddr *)&to, sizeof to);
            struct timespec d = {0, 1000000};
            nanosleep(&d, NULL);
        }
    } else {
        printf("{\"event\":\"listening\",\"port\":%d}\n", ntohs(me->sin_port));
        fflush(stdout);
        for (;;) {
            struct pollfd pfd = { .fd = S.fd, .events = POLLIN };
            double left = deadline - now_s();
            if (left <= 0) { ok = 0; break; }
            if (poll(&pfd, 1, left > 1 ? 1000 : (int)(left * 1000) + 1) <= 0) continue;
            ssize_t n = recv(S.fd, dg, sizeof dg, 0);
            if (n <= 0) continue;
            if (n == 1) break; /* end marker */
            if (S.done == 0) S.t_start = now_s();
            S.done += (uint64_t)n; datagrams++;
            S.t_end = now_s();
        }
        secs = S.t_end - S.t_start;
    }
    double cpu = cpu_s();
    printf("{\"role\":\"%s\",\"bytes\":%llu,\"datagrams\":%llu,\"secs\":%.4f,\"mb_per_s\":%.2f,\"cpu_s\":%.3f,"
           "\"cpu_s_per_gb\":%.3f,\"rcvbuf\":%d,\"sndbuf\":%d,\"ok\":%s",
           S.sending ? "udpsend" : "udprecv", (unsigned long long)S.done, (unsigned long long)datagrams, secs,
           secs > 0 ? S.done / 1e6 / secs : 0.0, cpu, S.done ? cpu / (S.done / 1e9) : 0.0, rcvbuf, sndbuf,
           ok ? "true" : "false");
    if (!S.sending && S.total) printf(",\"lost_bytes\":%lld", (long long)S.total - (long long)S.done);
    printf(",\"gso\":%s,\"datagrams_out\":%llu}\n", gso ? "true" : "false",
           (unsigned long long)(S.sending ? datagrams : 0));
    fflush(stdout);
    return ok ? 0 : 3;
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    const char *host = "127.0.0.1", *bind_host = "127.0.0.1";
    int port = 0, buf = 0, gso = 0;
    double timeout_s = 120;
    uint64_t bytes = 0;
    const int raw = !strcmp(argv[1], "udpsend") || !strcmp(argv[1], "udprecv");
    S.sending = !strcmp(argv[1], "send") || !strcmp(argv[1], "udpsend");
    if (!S.sending && strcmp(argv[1], "recv") != 0 && strcmp(argv[1], "udprecv") != 0) usage();
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *k = argv[i], *v = argv[++i];
        if (!strcmp(k, "--host")) host = v;
        else if (!strcmp(k, "--bind")) bind_host = v;
        else if (!strcmp(k, "--port")) port = atoi(v);
        else if (!strcmp(k, "--bytes")) bytes = (uint64_t)strtod(v, NULL);
        else if (!strcmp(k, "--buf")) buf = atoi(v);
        else if (!strcmp(k, "--timeout-s")) timeout_s = strtod(v, NULL);
        else if (!strcmp(k, "--gso")) gso = atoi(v);
        else usage();
    }
    if (S.sending && (port <= 0 || bytes == 0)) usage();
    if (!S.sending) bind_host = host;
    S.total = bytes;
    S.error_code = -1;
    for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (unsigned char)((i * 31 + 7) & 0xff);

    S.fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (S.fd < 0) { perror("socket"); return 1; }
    if (buf > 0) {
        setsockopt(S.fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
        setsockopt(S.fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    }
    int rcvbuf = 0, sndbuf = 0;
    socklen_t ol = sizeof rcvbuf;
    getsockopt(S.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &ol);
    ol = sizeof sndbuf;
    getsockopt(S.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &ol);

    struct sockaddr_in me = {0};
    me.sin_family = AF_INET;
    me.sin_port = htons(S.sending ? 0 : port);
    if (inet_pton(AF_INET, bind_host, &me.sin_addr) != 1) usage();
    if (bind(S.fd, (struct sockaddr *)&me, sizeof me) < 0) { perror("bind"); return 1; }
    socklen_t ml = sizeof me;
    getsockname(S.fd, (struct sockaddr *)&me, &ml);

    if (raw) return raw_udp(host, port, timeout_s, rcvbuf, sndbuf, &me, gso && S.sending);

    utp_context *ctx = utp_init(2);
    utp_set_callback(ctx, UTP_SENDTO, cb_sendto);
    utp_set_callback(ctx, UTP_ON_READ, cb_read);
    utp_set_callback(ctx, UTP_ON_STATE_CHANGE, cb_state);
    utp_set_callback(ctx, UTP_ON_ERROR, cb_error);
    utp_set_callback(ctx, UTP_GET_READ_BUFFER_SIZE, cb_read_buffer_size);
    if (!S.sending) {
        utp_set_callback(ctx, UTP_ON_ACCEPT, cb_accept);
        utp_set_callback(ctx, UTP_ON_FIREWALL, cb_firewall);
        printf("{\"event\":\"listening\",\"port\":%d}\n", ntohs(me.sin_port));
        fflush(stdout);
    } else {
        struct sockaddr_in to = {0};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        if (inet_pton(AF_INET, host, &to.sin_addr) != 1) usage();
        S.sock = utp_create_socket(ctx);
        utp_connect(S.sock, (struct sockaddr *)&to, sizeof to);
    }

    const double t0 = now_s(), deadline = t0 + timeout_s;
    double last_check = 0, eof_at = 0;
    unsigned char pkt[65536];
    int timed_out = 0;
    uint64_t n_loops = 0, n_drains = 0, n_pkts = 0, n_idle_polls = 0;
    for (uint64_t iter = 0;; iter++) {
        n_loops++;
        /* 1. drain */
        int got = 0;
        for (int k = 0; k < 100000; k++) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(S.fd, pkt, sizeof pkt, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
            if (n < 0) break;
            got++;
            utp_process_udp(ctx, pkt, (size_t)n, (struct sockaddr *)&from, fl);
        }
        /* 2. acks */
        if (got) { utp_issue_deferred_acks(ctx); n_drains++; n_pkts += (uint64_t)got; }
        /* 3. timers */
        double t = now_s();
        if (t - last_check >= 0.002) { utp_check_timeouts(ctx); last_check = t; }
        /* stop conditions (bounded): done, error, deadline, 2 s linger after EOF */
        if (S.error_code >= 0) break;
        if (S.eof && eof_at == 0) eof_at = t;
        if (S.eof && (S.destroyed || t - eof_at > 2.0)) break;
        if (t > deadline) { timed_out = 1; break; }
        /* 4. wait */
        if (!got) {
            struct pollfd pfd = { .fd = S.fd, .events = POLLIN };
            if (poll(&pfd, 1, 5) == 0) n_idle_polls++;
        }
    }

    double secs = S.t_end > S.t_start ? S.t_end - S.t_start : 0;
    double cpu = cpu_s();
    int ok = !timed_out && S.error_code < 0 && S.eof && !S.mismatch_at && (S.total == 0 || S.done == S.total);
    double mb = S.done / 1e6;
    printf("{\"role\":\"%s\",\"bytes\":%llu,\"secs\":%.4f,\"mb_per_s\":%.2f,\"cpu_s\":%.3f,\"cpu_s_per_gb\":%.3f,"
           "\"rcvbuf\":%d,\"sndbuf\":%d,\"ok\":%s",
           S.sending ? "send" : "recv", (unsigned long long)S.done, secs, secs > 0 ? mb / secs : 0.0, cpu,
           S.done ? cpu / (S.done / 1e9) : 0.0, rcvbuf, sndbuf, ok ? "true" : "false");
    if (!ok) {
        const char *why = timed_out ? "timeout" : S.error_code == UTP_ECONNREFUSED ? "ECONNREFUSED"
                        : S.error_code == UTP_ECONNRESET ? "ECONNRESET" : S.error_code == UTP_ETIMEDOUT ? "ETIMEDOUT"
                        : S.mismatch_at ? "data mismatch" : !S.eof ? "no EOF" : "byte count";
        printf(",\"error\":\"%s\"", why);
        if (S.mismatch_at) printf(",\"mismatch_at\":%llu", (unsigned long long)(S.mismatch_at - 1));
    }
    printf(",\"loops\":%llu,\"drains\":%llu,\"datagrams_in\":%llu,\"datagrams_out\":%llu,\"idle_polls\":%llu}\n",
           (unsigned long long)n_loops, (unsigned long long)n_drains, (unsigned long long)n_pkts,
           (unsigned long long)S.datagrams_out,
           (unsigned long long)n_idle_polls);
    fflush(stdout);
    /* no utp_destroy: the process ends here and a lingering socket would only delay it */
    return ok ? 0 : timed_out ? 3 : 1;
}
