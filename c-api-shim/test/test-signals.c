/*
 * test-signals.c: the guest JVM leaves the host's signals alone.
 *
 *   signal_segv_after_first_call  a crash handler installed after the JVM
 *       started (sigaction and signal()) does not replace HotSpot's handler in
 *       the kernel, never sees a JVM fault during an 8 MB transfer, and still
 *       gets the SIGSEGV/SIGBUS the program raises itself.
 *   signal_usr2_host  a SIGUSR2 handler installed before the first utp_* call
 *       stays installed and fires for every SIGUSR2 sent during an 8 MB transfer.
 *   signal_usr2_default  SIGUSR2 keeps its default action, HotSpot's suspend
 *       signal is a real-time one, and the environment is as it was.
 *
 * The kernel's view is read with the raw rt_sigaction system call, so the
 * shim's sigaction interposition cannot hide what is really installed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "task.h"
#include "udp-xfer.h"

#define TOTAL (8u << 20)

struct kernel_sigaction { void *handler; unsigned long flags; void *restorer; unsigned long mask; };

static void *kernel_handler(int sig) {
  struct kernel_sigaction k;
  ASSERT_EQ(syscall(SYS_rt_sigaction, sig, NULL, &k, sizeof(k.mask)), 0);
  return k.handler;
}

static int in_libjvm(void *fn) {
  Dl_info info;
  return dladdr(fn, &info) != 0 && info.dli_fname != NULL && strstr(info.dli_fname, "libjvm.so") != NULL;
}

/* ---- SIGSEGV after the first call ---------------------------------------- */

static volatile sig_atomic_t raised_segv, raised_bus;

static void host_crash_handler(int sig, siginfo_t *info, void *uc) {
  if (info->si_code > 0) {          /* a real fault: the JVM's, not for us */
    static const char msg[] = "host crash handler received a fault of the JVM\n";
    write(2, msg, sizeof(msg) - 1);
    _exit(3);
  }
  raised_segv++;
}

static void host_bus_handler(int sig) { raised_bus++; }

TEST_IMPL(signal_segv_after_first_call) {
  struct udp_xfer *x = udp_xfer_new(TOTAL, NULL, NULL);   /* the JVM starts here */
  ASSERT_NOT_NULL(x);
  ASSERT(in_libjvm(kernel_handler(SIGSEGV)));

  struct sigaction act, seen;
  memset(&act, 0, sizeof(act));
  act.sa_sigaction = host_crash_handler;
  act.sa_flags = SA_SIGINFO;
  sigemptyset(&act.sa_mask);
  ASSERT_EQ(sigaction(SIGSEGV, &act, NULL), 0);
  ASSERT(signal(SIGBUS, host_bus_handler) != SIG_ERR);

  /* The program sees its own handlers; the kernel still runs HotSpot's. */
  ASSERT_EQ(sigaction(SIGSEGV, NULL, &seen), 0);
  ASSERT_PTR_EQ((void *) seen.sa_sigaction, (void *) host_crash_handler);
  ASSERT(in_libjvm(kernel_handler(SIGSEGV)));
  ASSERT(in_libjvm(kernel_handler(SIGBUS)));

  ASSERT_EQ(udp_xfer_run(x, 90, NULL, NULL), 1);
  ASSERT_EQ(udp_xfer_received(x), TOTAL);

  /* Signals that are not the JVM's reach the program's handlers. */
  raise(SIGSEGV);
  ASSERT_EQ(raised_segv, 1);
  raise(SIGBUS);
  ASSERT_EQ(raised_bus, 1);
  ASSERT(in_libjvm(kernel_handler(SIGSEGV)));
  udp_xfer_free(x);
  return 0;
}

/* ---- SIGUSR2 -------------------------------------------------------------- */

static volatile sig_atomic_t usr2_fired;
static int usr2_sent;

static void host_usr2_handler(int sig) { usr2_fired++; }

static void send_usr2(void *arg) {
  if (usr2_sent < 200 && usr2_fired == usr2_sent) {   /* one in flight at a time */
    usr2_sent++;
    kill(getpid(), SIGUSR2);
  }
}

TEST_IMPL(signal_usr2_host) {
  struct sigaction act;
  memset(&act, 0, sizeof(act));
  act.sa_handler = host_usr2_handler;
  sigemptyset(&act.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR2, &act, NULL), 0);

  struct udp_xfer *x = udp_xfer_new(TOTAL, NULL, NULL);
  ASSERT_NOT_NULL(x);
  ASSERT_PTR_EQ(kernel_handler(SIGUSR2), (void *) host_usr2_handler);
  ASSERT_EQ(udp_xfer_run(x, 90, send_usr2, NULL), 1);
  ASSERT_EQ(udp_xfer_received(x), TOTAL);
  for (int i = 0; i < 1000 && usr2_fired < usr2_sent; i++) usleep(1000);
  ASSERT_GE(usr2_sent, 20);
  ASSERT_EQ(usr2_fired, usr2_sent);
  ASSERT_PTR_EQ(kernel_handler(SIGUSR2), (void *) host_usr2_handler);
  udp_xfer_free(x);
  return 0;
}

TEST_IMPL(signal_usr2_default) {
  ASSERT_NULL(getenv("_JAVA_SR_SIGNUM"));
  utp_context *ctx = utp_init(2);
  ASSERT_NOT_NULL(ctx);
  ASSERT_PTR_EQ(kernel_handler(SIGUSR2), (void *) SIG_DFL);
  ASSERT_NULL(getenv("_JAVA_SR_SIGNUM"));
  int sr = 0;
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
    if (in_libjvm(kernel_handler(sig))) { ASSERT_EQ(sr, 0); sr = sig; }
  ASSERT_GE(sr, SIGRTMIN + 2);
  ASSERT_LE(sr, SIGRTMAX - 3);      /* SIGRTMAX - 2 is NIO's (libnio), not HotSpot's */
  for (int sig = 1; sig < SIGRTMIN; sig++) {
    int jvm = in_libjvm(kernel_handler(sig));
    int expected = sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
                   sig == SIGPIPE || sig == SIGXFSZ;
    if (jvm != expected) fprintf(stderr, "signal %d: JVM handler %d\n", sig, jvm);
    ASSERT_EQ(jvm, expected);
  }
  utp_destroy(ctx);
  return 0;
}
