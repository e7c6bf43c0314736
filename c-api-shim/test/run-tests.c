/*
 * run-tests.c: runs every test of test-list.h (or the ones named on the
 * command line), each in its own child process with a time limit, and prints
 * TAP. A child that aborts, crashes or overruns fails its test.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-list.h"

#define TEST_TIMEOUT_S 120

static int run_one(const struct test_entry *t) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 1; }
  if (pid == 0) {
    alarm(TEST_TIMEOUT_S);
    int rc = t->main();
    fflush(stdout);
    _exit(rc == 0 ? 0 : 1);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) { perror("waitpid"); return 1; }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFSIGNALED(status))
    fprintf(stderr, "# %s: killed by signal %d%s\n", t->name, WTERMSIG(status),
            WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
  return 1;
}

int main(int argc, char **argv) {
  int selected = 0, failed = 0, n = 0;
  for (const struct test_entry *t = TESTS; t->name != NULL; t++) n++;
  if (argc > 1) n = argc - 1;
  printf("1..%d\n", n);
  int i = 0;
  for (const struct test_entry *t = TESTS; t->name != NULL; t++) {
    if (argc > 1) {
      int want = 0;
      for (int a = 1; a < argc; a++) want |= strcmp(argv[a], t->name) == 0;
      if (!want) continue;
    }
    selected++;
    int rc = run_one(t);
    failed += rc != 0;
    printf("%s %d - %s\n", rc == 0 ? "ok" : "not ok", ++i, t->name);
  }
  if (selected != n) {
    fprintf(stderr, "# unknown test name on the command line\n");
    return 2;
  }
  return failed == 0 ? 0 : 1;
}
