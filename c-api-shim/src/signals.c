/*
 * signals.c: the guest JVM's manners with the host's signals.
 *
 * HotSpot needs SIGSEGV, SIGBUS, SIGFPE and SIGILL for its own work (safepoint
 * polls, implicit null checks, stack banging) and one signal to suspend
 * threads. Inside someone else's process that collides with the host in three
 * ways, handled here:
 *
 * 1. Suspend/resume signal. HotSpot takes SIGUSR2 unless _JAVA_SR_SIGNUM names
 *    another. Before the JVM starts we pick a real-time signal the host does
 *    not handle and pass it in that variable (removed again afterwards, so the
 *    host's environment is unchanged). A _JAVA_SR_SIGNUM the user set wins.
 *
 * 2. Chaining. libutp.so exports sigaction(), signal() and sigset() plus the
 *    three JVM_*_signal_* hooks HotSpot looks up with dlsym(RTLD_DEFAULT) at
 *    start-up (the protocol of the JDK's libjsig, implemented here). While the
 *    JVM installs its handlers we record the host's previous ones; afterwards a
 *    host call that would replace a JVM handler only records the host's wish,
 *    and HotSpot calls that handler for every signal that is not its own. This
 *    works when libutp.so precedes libc in the global symbol scope: a program
 *    linked with -lutp. A library dlopen()ed without RTLD_GLOBAL, or after libc,
 *    cannot interpose, and then:
 *
 * 3. Detection and repair. utp_check_timeouts() compares the fault handlers
 *    with the ones the JVM installed (at most every few milliseconds). A
 *    replaced one is reported once on stderr and taken back by a trampoline
 *    that offers each signal to the JVM (JVM_handle_linux_signal, HotSpot's
 *    exported entry for exactly this) and passes what the JVM does not claim
 *    to the host's handler.
 */
#define _GNU_SOURCE
#include "utp_shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
typedef void (*handler_fn)(int);
typedef int (*jvm_handle_fn)(int, siginfo_t *, void *, int);

/* ---- the real libc functions ------------------------------------------ */

static sigaction_fn next_sigaction_fn;

static int real_sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  sigaction_fn f = __atomic_load_n(&next_sigaction_fn, __ATOMIC_ACQUIRE);
  if (f == NULL) {
    f = (sigaction_fn) dlsym(RTLD_NEXT, "sigaction");
    __atomic_store_n(&next_sigaction_fn, f, __ATOMIC_RELEASE);
  }
  return f(sig, act, old);
}

static void *next_symbol(const char *name) {
  return dlsym(RTLD_NEXT, name);
}

static int handler_is(const struct sigaction *a, const void *fn) {
  const void *h = (a->sa_flags & SA_SIGINFO) ? (const void *) a->sa_sigaction
                                             : (const void *) a->sa_handler;
  return h == fn;
}

static const void *handler_of(const struct sigaction *a) {
  return (a->sa_flags & SA_SIGINFO) ? (const void *) a->sa_sigaction
                                    : (const void *) a->sa_handler;
}

/* ---- 2. chaining by interposition ------------------------------------- */

/* For each signal the JVM installed a handler on while we watched: the
 * handler the host installed (before or since), which HotSpot chains to. */
static struct sigaction host_action[NSIG];
static unsigned char jvm_owned[NSIG];           /* read without the lock: __atomic */
static pthread_mutex_t chain_lock = PTHREAD_MUTEX_INITIALIZER;
static int jvm_setting;                         /* between begin and end, on setting_thread */
static pthread_t setting_thread;

static int owned(int sig) {
  return sig > 0 && sig < NSIG && __atomic_load_n(&jvm_owned[sig], __ATOMIC_ACQUIRE);
}

UTP_EXTERN int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  if (owned(sig)) {
    /* The JVM keeps the signal; the host's handler becomes the chained one. */
    pthread_mutex_lock(&chain_lock);
    if (old != NULL) *old = host_action[sig];
    if (act != NULL) host_action[sig] = *act;
    pthread_mutex_unlock(&chain_lock);
    return 0;
  }
  if (act != NULL && sig > 0 && sig < NSIG &&
      __atomic_load_n(&jvm_setting, __ATOMIC_ACQUIRE) &&
      pthread_equal(setting_thread, pthread_self())) {
    struct sigaction previous;
    pthread_mutex_lock(&chain_lock);
    int rc = real_sigaction(sig, act, &previous);
    if (rc == 0) {
      host_action[sig] = previous;
      __atomic_store_n(&jvm_owned[sig], 1, __ATOMIC_RELEASE);
      if (old != NULL) *old = previous;
    }
    pthread_mutex_unlock(&chain_lock);
    return rc;
  }
  return real_sigaction(sig, act, old);
}

UTP_EXTERN handler_fn signal(int sig, handler_fn handler) {
  if (!owned(sig)) {
    handler_fn (*next)(int, handler_fn) = (handler_fn (*)(int, handler_fn)) next_symbol("signal");
    return next(sig, handler);
  }
  struct sigaction act, old;
  memset(&act, 0, sizeof(act));
  act.sa_handler = handler;
  act.sa_flags = SA_RESTART;                    /* glibc's BSD semantics */
  sigemptyset(&act.sa_mask);
  sigaddset(&act.sa_mask, sig);
  sigaction(sig, &act, &old);
  return (old.sa_flags & SA_SIGINFO) ? (handler_fn) (void (*)(void)) old.sa_sigaction : old.sa_handler;
}

UTP_EXTERN handler_fn sigset(int sig, handler_fn disp) {
  if (!owned(sig) || disp == SIG_HOLD) {
    handler_fn (*next)(int, handler_fn) = (handler_fn (*)(int, handler_fn)) next_symbol("sigset");
    return next(sig, disp);
  }
  struct sigaction act, old;
  memset(&act, 0, sizeof(act));
  act.sa_handler = disp;
  sigemptyset(&act.sa_mask);
  sigaction(sig, &act, &old);
  return (old.sa_flags & SA_SIGINFO) ? (handler_fn) (void (*)(void)) old.sa_sigaction : old.sa_handler;
}

/* HotSpot's hooks (looked up by name at JVM start). */
UTP_EXTERN void JVM_begin_signal_setting(void) {
  setting_thread = pthread_self();
  __atomic_store_n(&jvm_setting, 1, __ATOMIC_RELEASE);
}

UTP_EXTERN void JVM_end_signal_setting(void) {
  __atomic_store_n(&jvm_setting, 0, __ATOMIC_RELEASE);
}

UTP_EXTERN struct sigaction *JVM_get_signal_action(int sig) {
  return owned(sig) ? &host_action[sig] : NULL;
}

int utp_shim_signals_interposed(void) {
  return dlsym(RTLD_DEFAULT, "sigaction") == (void *) &sigaction;
}

/* ---- 1. the suspend/resume signal ------------------------------------- */

static int sr_env_set;

int utp_shim_signals_before_jvm(void) {
  const char *given = getenv("_JAVA_SR_SIGNUM");
  if (given != NULL && given[0] != '\0')
    return atoi(given);
  /* The highest real-time signal nobody in the process handles, below
   * SIGRTMAX - 2, which the JDK's NIO takes to interrupt blocked threads. */
  for (int sig = SIGRTMAX - 3; sig >= SIGRTMIN + 2; sig--) {
    struct sigaction cur;
    if (real_sigaction(sig, NULL, &cur) == 0 && cur.sa_handler == SIG_DFL &&
        !(cur.sa_flags & SA_SIGINFO)) {
      char num[16];
      snprintf(num, sizeof(num), "%d", sig);
      setenv("_JAVA_SR_SIGNUM", num, 1);
      sr_env_set = 1;
      return sig;
    }
  }
  return SIGUSR2;                               /* all taken: HotSpot's default */
}

/* ---- 3. detection and repair ------------------------------------------ */

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
#define N_FAULT (sizeof(fault_signals) / sizeof(fault_signals[0]))

static struct sigaction jvm_action[N_FAULT];   /* as HotSpot installed them */
static struct sigaction displaced[NSIG];       /* host handlers the trampoline calls */
static jvm_handle_fn jvm_handle;
static int watching, warned;
static pthread_mutex_t repair_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timespec next_check;

static void trampoline(int sig, siginfo_t *info, void *uc) {
  if (jvm_handle(sig, info, uc, 0))
    return;
  struct sigaction *h = &displaced[sig];
  if (h->sa_flags & SA_SIGINFO) {
    h->sa_sigaction(sig, info, uc);
  } else if (h->sa_handler == SIG_DFL) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    real_sigaction(sig, &dfl, NULL);
    raise(sig);                                 /* delivered on return: the default action */
  } else if (h->sa_handler != SIG_IGN) {
    h->sa_handler(sig);
  }
}

void utp_shim_signals_after_jvm(void *libjvm) {
  if (sr_env_set) {
    unsetenv("_JAVA_SR_SIGNUM");
    sr_env_set = 0;
  }
  jvm_handle = (jvm_handle_fn) dlsym(libjvm, "JVM_handle_linux_signal");
  for (size_t i = 0; i < N_FAULT; i++)
    real_sigaction(fault_signals[i], NULL, &jvm_action[i]);
  __atomic_store_n(&watching, jvm_handle != NULL, __ATOMIC_RELEASE);
}

static const char *name_of(int sig) {
  switch (sig) {
  case SIGSEGV: return "SIGSEGV";
  case SIGBUS:  return "SIGBUS";
  case SIGFPE:  return "SIGFPE";
  default:      return "SIGILL";
  }
}

static void report_once(int sig, const void *by) {
  if (warned) return;
  warned = 1;
  Dl_info who;
  const char *obj = dladdr(by, &who) && who.dli_fname ? who.dli_fname : "?";
  fprintf(stderr,
          "jutp: warning: the program replaced the Java VM's %s handler with %p (in %s) after the "
          "first utp_* call. jutp's libutp.so now passes %s to the VM first and then to that "
          "handler, but faults in the VM before this point went to it. To chain from the start, "
          "link the program with -lutp (libutp.so then interposes sigaction) or preload the "
          "JDK's lib/libjsig.so (see c-api-shim/README.md, Signals). This warning is printed "
          "once.\n",
          name_of(sig), by, obj, name_of(sig));
}

void utp_shim_signals_check(void) {
  if (!__atomic_load_n(&watching, __ATOMIC_ACQUIRE))
    return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  if (now.tv_sec < next_check.tv_sec ||
      (now.tv_sec == next_check.tv_sec && now.tv_nsec < next_check.tv_nsec))
    return;
  next_check = now;
  next_check.tv_nsec += 5 * 1000 * 1000;
  if (next_check.tv_nsec >= 1000000000L) { next_check.tv_sec++; next_check.tv_nsec -= 1000000000L; }

  for (size_t i = 0; i < N_FAULT; i++) {
    int sig = fault_signals[i];
    struct sigaction cur;
    if (real_sigaction(sig, NULL, &cur) != 0 || handler_is(&cur, (const void *) trampoline) ||
        handler_of(&cur) == handler_of(&jvm_action[i]))
      continue;
    pthread_mutex_lock(&repair_lock);
    report_once(sig, handler_of(&cur));
    displaced[sig] = cur;
    struct sigaction act = jvm_action[i];
    act.sa_sigaction = trampoline;
    act.sa_flags |= SA_SIGINFO;
    real_sigaction(sig, &act, NULL);
    pthread_mutex_unlock(&repair_lock);
  }
}
