/*
 * host-event-loop.c: a program shaped like a language runtime that loads a
 * native addon built against libutp (addon-utp.c):
 *
 *   - it is NOT linked with -lutp; it dlopen()s the addon RTLD_LOCAL, as
 *     Node.js, Python and Ruby load extension modules, so libutp.so cannot
 *     interpose sigaction and the shim's repair path is what protects the JVM;
 *   - the main thread and a second "worker" thread each run an epoll event loop
 *     (UDP sockets, a timerfd, an eventfd for completions, a self-pipe for
 *     signals) with one addon instance, so two contexts live on two threads;
 *   - received chunks go to a pool of threads that never call libutp, which
 *     check them and post completions back to the owning loop;
 *   - it handles SIGUSR2 (installed before the addon starts) through a
 *     self-pipe, and installs a SIGSEGV handler after the first addon call
 *     (a crash reporter, Node's process.on('SIGSEGV')).
 *
 * Passes when both instances move TOTAL bytes byte-exact, every SIGUSR2 it
 * sends itself is handled, the shim warned exactly once about the replaced
 * SIGSEGV handler (never when the JDK's libjsig.so is in LD_PRELOAD), and a
 * SIGSEGV the program raises still reaches its handler.
 *
 * Usage: host-event-loop <path of libaddon_utp.so>
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define TOTAL (6u << 20)
#define POOL 3

typedef unsigned char byte;
typedef void (*post_fn)(void *host, size_t offset, const byte *buf, size_t len);

static struct {
  void *(*start)(size_t, post_fn, void *);
  int (*fd)(void *, int);
  void (*readable)(void *, int);
  void (*timer)(void *);
  int (*state)(void *);
  void (*stop)(void *);
  byte (*pattern)(size_t);
} addon;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "host-event-loop: %s failed (line %d)\n", #cond, __LINE__); exit(1); } } while (0)

/* ---- thread pool ---------------------------------------------------------- */

struct job { struct job *next; struct loop *loop; size_t offset, len; byte data[]; };

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static struct job *queue_head, *queue_tail;
static int pool_stop;

struct loop {
  const char *name;
  void *inst;
  int epfd, timerfd, eventfd;
  uint64_t verified_bytes, bad_bytes;   /* written by pool threads under pool_lock */
  int is_main;
};

static void post(void *host, size_t offset, const byte *buf, size_t len) {
  struct job *j = malloc(sizeof(*j) + len);
  CHECK(j != NULL);
  j->next = NULL; j->loop = host; j->offset = offset; j->len = len;
  memcpy(j->data, buf, len);
  pthread_mutex_lock(&pool_lock);
  if (queue_tail) queue_tail->next = j; else queue_head = j;
  queue_tail = j;
  pthread_cond_signal(&pool_cond);
  pthread_mutex_unlock(&pool_lock);
}

static void *pool_thread(void *arg) {
  for (;;) {
    pthread_mutex_lock(&pool_lock);
    while (queue_head == NULL && !pool_stop) pthread_cond_wait(&pool_cond, &pool_lock);
    struct job *j = queue_head;
    if (j == NULL) { pthread_mutex_unlock(&pool_lock); return NULL; }
    queue_head = j->next;
    if (queue_head == NULL) queue_tail = NULL;
    pthread_mutex_unlock(&pool_lock);
    size_t bad = 0;
    for (size_t i = 0; i < j->len; i++) bad += j->data[i] != addon.pattern(j->offset + i);
    pthread_mutex_lock(&pool_lock);
    j->loop->verified_bytes += j->len - bad;
    j->loop->bad_bytes += bad;
    pthread_mutex_unlock(&pool_lock);
    uint64_t one = 1;
    CHECK(write(j->loop->eventfd, &one, sizeof(one)) == sizeof(one));   /* wake the loop */
    free(j);
  }
}

/* ---- signals ------------------------------------------------------------ */

static int signal_pipe[2];
static volatile sig_atomic_t segv_raised;
static int usr2_sent, usr2_seen;

static void usr2_handler(int sig) {
  byte b = (byte) sig;
  ssize_t r = write(signal_pipe[1], &b, 1);
  (void) r;
}

static void crash_reporter(int sig, siginfo_t *info, void *uc) {
  if (info->si_code > 0) {
    static const char msg[] = "host-event-loop: crash reporter received a fault of the JVM\n";
    ssize_t r = write(2, msg, sizeof(msg) - 1);
    (void) r;
    _exit(3);
  }
  segv_raised++;
}

/* ---- event loop --------------------------------------------------------- */

enum { TAG_UDP0, TAG_UDP1, TAG_TIMER, TAG_EVENT, TAG_SIGNAL };

static void watch(int epfd, int fd, int tag) {
  struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t) tag };
  CHECK(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0);
}

static void loop_init(struct loop *l, const char *name, int is_main) {
  memset(l, 0, sizeof(*l));
  l->name = name;
  l->is_main = is_main;
  l->epfd = epoll_create1(EPOLL_CLOEXEC);
  l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  l->eventfd = eventfd(0, EFD_NONBLOCK);
  CHECK(l->epfd >= 0 && l->timerfd >= 0 && l->eventfd >= 0);
  struct itimerspec its = { .it_interval = { 0, 5000000 }, .it_value = { 0, 5000000 } };
  CHECK(timerfd_settime(l->timerfd, 0, &its, NULL) == 0);
  watch(l->epfd, l->timerfd, TAG_TIMER);
  watch(l->epfd, l->eventfd, TAG_EVENT);
  if (is_main) watch(l->epfd, signal_pipe[0], TAG_SIGNAL);
}

static int loop_done(struct loop *l) {
  pthread_mutex_lock(&pool_lock);
  int done = l->verified_bytes + l->bad_bytes == TOTAL;
  pthread_mutex_unlock(&pool_lock);
  return done && addon.state(l->inst) != 0;
}

/* Runs until the instance finished and the pool checked every byte; 0 on success. */
static int loop_run(struct loop *l) {
  l->inst = addon.start(TOTAL, post, l);
  if (l->inst == NULL) return 1;
  if (l->is_main) {
    /* After the first call into the addon, the JVM runs: now a crash reporter. */
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_sigaction = crash_reporter;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    CHECK(sigaction(SIGSEGV, &act, NULL) == 0);
  }
  watch(l->epfd, addon.fd(l->inst, 0), TAG_UDP0);
  watch(l->epfd, addon.fd(l->inst, 1), TAG_UDP1);
  time_t deadline = time(NULL) + 90;
  for (long round = 0; round < 10000000L && !loop_done(l) && time(NULL) < deadline; round++) {
    struct epoll_event ev[8];
    int n = epoll_wait(l->epfd, ev, 8, 100);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      uint64_t v;
      switch (ev[i].data.u32) {
      case TAG_UDP0: addon.readable(l->inst, 0); break;
      case TAG_UDP1: addon.readable(l->inst, 1); break;
      case TAG_TIMER:
        if (read(l->timerfd, &v, sizeof(v)) > 0) addon.timer(l->inst);
        if (l->is_main && usr2_sent < 100 && usr2_seen == usr2_sent) {
          usr2_sent++;
          kill(getpid(), SIGUSR2);
        }
        break;
      case TAG_EVENT: if (read(l->eventfd, &v, sizeof(v)) < 0) return 1; break;
      case TAG_SIGNAL: {
        byte b;
        while (read(signal_pipe[0], &b, 1) == 1) usr2_seen += b == SIGUSR2;
        break;
      }
      }
    }
  }
  int ok = loop_done(l) && addon.state(l->inst) == 1 && l->bad_bytes == 0 && l->verified_bytes == TOTAL;
  fprintf(stderr, "# %s loop: state %d, %llu bytes checked by the pool, %llu bad\n", l->name,
          addon.state(l->inst), (unsigned long long) l->verified_bytes,
          (unsigned long long) l->bad_bytes);
  addon.stop(l->inst);
  return ok ? 0 : 1;
}

static void *worker_loop(void *arg) {
  static struct loop l;
  loop_init(&l, "worker", 0);
  return (void *) (intptr_t) loop_run(&l);
}

/* Counts the shim's warnings in what was written to stderr. */
static int count_warnings(FILE *log) {
  char line[4096];
  int n = 0;
  rewind(log);
  while (fgets(line, sizeof(line), log) != NULL) {
    fputs(line, stdout);
    n += strstr(line, "jutp: warning: the program replaced") != NULL;
  }
  return n;
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (so == NULL) { fprintf(stderr, "host-event-loop: %s\n", dlerror()); return 1; }
  *(void **) &addon.start = dlsym(so, "addon_start");
  *(void **) &addon.fd = dlsym(so, "addon_fd");
  *(void **) &addon.readable = dlsym(so, "addon_readable");
  *(void **) &addon.timer = dlsym(so, "addon_timer");
  *(void **) &addon.state = dlsym(so, "addon_state");
  *(void **) &addon.stop = dlsym(so, "addon_stop");
  *(void **) &addon.pattern = dlsym(so, "udp_xfer_pattern");
  CHECK(addon.start && addon.fd && addon.readable && addon.timer && addon.state && addon.stop &&
        addon.pattern);

  /* stderr goes to a file so that the shim's warnings can be counted. */
  FILE *log = tmpfile();
  CHECK(log != NULL);
  int real_stderr = dup(2);
  CHECK(dup2(fileno(log), 2) == 2);

  CHECK(pipe2(signal_pipe, O_NONBLOCK | O_CLOEXEC) == 0);
  struct sigaction usr2;
  memset(&usr2, 0, sizeof(usr2));
  usr2.sa_handler = usr2_handler;
  usr2.sa_flags = SA_RESTART;
  sigemptyset(&usr2.sa_mask);
  CHECK(sigaction(SIGUSR2, &usr2, NULL) == 0);

  pthread_t pool[POOL], worker;
  for (int i = 0; i < POOL; i++) CHECK(pthread_create(&pool[i], NULL, pool_thread, NULL) == 0);
  static struct loop main_loop;
  loop_init(&main_loop, "main", 1);
  CHECK(pthread_create(&worker, NULL, worker_loop, NULL) == 0);
  int rc = loop_run(&main_loop);                /* both loops start their instance at once */
  void *wrc;
  pthread_join(worker, &wrc);
  rc |= (int) (intptr_t) wrc;

  pthread_mutex_lock(&pool_lock);
  pool_stop = 1;
  pthread_cond_broadcast(&pool_cond);
  pthread_mutex_unlock(&pool_lock);
  for (int i = 0; i < POOL; i++) pthread_join(pool[i], NULL);

  /* The last kill() may still be in flight when the transfer ends: the handler runs on
   * whichever thread the kernel picks, possibly after the loop stopped reading the pipe.
   * Keep reading for a bounded time, so only a signal that is really lost fails the test. */
  for (int waited_ms = 0; usr2_seen < usr2_sent && waited_ms < 5000; waited_ms += 50) {
    struct pollfd p = { .fd = signal_pipe[0], .events = POLLIN };
    if (poll(&p, 1, 50) > 0) {
      byte b;
      while (read(signal_pipe[0], &b, 1) == 1) usr2_seen += b == SIGUSR2;
    }
  }

  raise(SIGSEGV);                               /* the program's own signal: its handler */
  fflush(stderr);
  dup2(real_stderr, 2);
  int warnings = count_warnings(log);
  printf("# SIGUSR2 sent %d, handled %d; own SIGSEGV handled %d; shim warnings %d\n",
         usr2_sent, usr2_seen, (int) segv_raised, warnings);
  rc |= usr2_sent < 20 || usr2_seen != usr2_sent;
  rc |= segv_raised != 1;
  /* With the JDK's libjsig preloaded the handler is chained from the start: no warning. */
  const char *preload = getenv("LD_PRELOAD");
  rc |= warnings != (preload != NULL && strstr(preload, "libjsig") != NULL ? 0 : 1);
  printf("%s - event-loop host with a dlopen()ed libutp addon\n", rc == 0 ? "ok" : "not ok");
  return rc;
}
