/*
 * footprint.c: what the guest JVM costs a host process, with the options in
 * effect (JUTP_JAVA_OPTIONS): wall time from the first utp_init to that
 * context's first datagram (utp_connect's SYN reaching UTP_SENDTO), and the
 * resident memory and threads the process gained. Prints one line; asserts
 * nothing (bench/shim/footprint.sh compares option sets).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "utp.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A field of /proc/self/status ("VmRSS" in kB, "Threads"). */
static long status_field(const char *name) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(name);
  while (f != NULL && fgets(line, sizeof(line), f) != NULL)
    if (strncmp(line, name, n) == 0 && line[n] == ':') { sscanf(line + n + 1, "%ld", &v); break; }
  if (f != NULL) fclose(f);
  return v;
}

static double first_datagram;
static uint64 on_sendto(utp_callback_arguments *a) {
  if (first_datagram == 0) first_datagram = now_s();
  return 0;
}

int main(void) {
  long rss0 = status_field("VmRSS"), threads0 = status_field("Threads");
  double t0 = now_s();
  utp_context *ctx = utp_init(2);
  if (ctx == NULL) return 1;
  utp_set_callback(ctx, UTP_SENDTO, on_sendto);
  utp_socket *s = utp_create_socket(ctx);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  utp_connect(s, (struct sockaddr *) &to, sizeof(to));
  if (first_datagram == 0) return 1;
  long rss1 = status_field("VmRSS"), threads1 = status_field("Threads");
  printf("first-datagram %.3f s  rss +%.1f MB  threads +%ld\n", first_datagram - t0,
         (rss1 - rss0) / 1024.0, threads1 - threads0);
  utp_destroy(ctx);
  return 0;
}
