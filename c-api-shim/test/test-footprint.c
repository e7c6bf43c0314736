/*
 * test-footprint.c: the guest JVM adds at most 10 threads to the process with
 * the shim's default options, counted from before the first utp_init to that
 * context's first datagram (JUTP_JAVA_OPTIONS is cleared for the test).
 * No time or memory is asserted here; bench/shim/footprint.sh measures them.
 */
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "utp.h"

static long threads(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long n = -1;
  while (f != NULL && fgets(line, sizeof(line), f) != NULL)
    if (strncmp(line, "Threads:", 8) == 0) n = atol(line + 8);
  if (f != NULL) fclose(f);
  return n;
}

static int datagrams;
static uint64 on_sendto(utp_callback_arguments *a) { datagrams++; return 0; }

TEST_IMPL(footprint_threads) {
  unsetenv("JUTP_JAVA_OPTIONS");
  long before = threads();
  ASSERT_GT(before, 0);
  utp_context *ctx = utp_init(2);
  ASSERT_NOT_NULL(ctx);
  utp_set_callback(ctx, UTP_SENDTO, on_sendto);
  utp_socket *s = utp_create_socket(ctx);
  struct sockaddr_in to;
  memset(&to, 0, sizeof(to));
  to.sin_family = AF_INET;
  to.sin_port = htons(9);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(utp_connect(s, (struct sockaddr *) &to, sizeof(to)), 0);
  ASSERT_EQ(datagrams, 1);
  long added = threads() - before;
  fprintf(stderr, "# guest JVM threads: +%ld\n", added);
  ASSERT_LE(added, 10);
  utp_destroy(ctx);
  return 0;
}
