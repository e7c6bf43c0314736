/*
 * jvm_boot.c: starts a JVM inside a C program that owns main().
 *
 * The only JNI used anywhere in jutp is here: JNI_CreateJavaVM from the
 * invocation interface, looked up with dlopen/dlsym in libjvm.so. The JVM is
 * started with -javaagent:<jutp jar>; the agent's premain
 * (dev.jutp.shim.ShimAgent) loads this very library through FFM and calls
 * utp_shim_install(). No other JNI function is ever called.
 *
 * Environment (defaults fixed at build time, see the Makefile):
 *   JUTP_JAVA_HOME     JDK/JRE 22+ home; libjvm.so is <home>/lib/server/libjvm.so
 *   JUTP_JAR           the jutp jar (carries Premain-Class)
 *   JUTP_JAVA_OPTIONS  extra JVM options, separated by spaces (e.g. -Xmx512m)
 */
#define _GNU_SOURCE
#include "utp_shim.h"

#include <dlfcn.h>
#include <jni.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef JUTP_DEFAULT_JAVA_HOME
#define JUTP_DEFAULT_JAVA_HOME ""
#endif
#ifndef JUTP_DEFAULT_JAR
#define JUTP_DEFAULT_JAR ""
#endif
#ifndef JUTP_DEFAULT_AOT_CACHE
#define JUTP_DEFAULT_AOT_CACHE ""
#endif

#define MAX_OPTIONS 64

typedef jint (*create_vm_fn)(JavaVM **, void **, void *);

static const char *env_or(const char *name, const char *fallback) {
  const char *v = getenv(name);
  return (v != NULL && v[0] != '\0') ? v : fallback;
}

static int same_file(const char *a, const char *b) {
  char ra[PATH_MAX], rb[PATH_MAX];
  if (realpath(a, ra) == NULL || realpath(b, rb) == NULL)
    return strcmp(a, b) == 0;
  return strcmp(ra, rb) == 0;
}

int utp_shim_boot_jvm(void) {
  static char libjvm[PATH_MAX], agent[PATH_MAX + 16], lib_prop[PATH_MAX + 32];
  static char extra[4096], class_path[PATH_MAX + 32], aot_cache[PATH_MAX + 32];
  const char *home = env_or("JUTP_JAVA_HOME", JUTP_DEFAULT_JAVA_HOME);
  const char *jar = env_or("JUTP_JAR", JUTP_DEFAULT_JAR);

  if (home[0] == '\0' || jar[0] == '\0') {
    fprintf(stderr, "jutp: set JUTP_JAVA_HOME and JUTP_JAR (no build-time default)\n");
    return -1;
  }
  snprintf(libjvm, sizeof(libjvm), "%s/lib/server/libjvm.so", home);
  snprintf(agent, sizeof(agent), "-javaagent:%s", jar);

  /* Tell the agent which file to load: the one this code lives in. */
  Dl_info self;
  if (dladdr((void *) &utp_shim_boot_jvm, &self) == 0 || self.dli_fname == NULL) {
    fprintf(stderr, "jutp: cannot locate libutp.so itself\n");
    return -1;
  }
  char self_path[PATH_MAX];
  if (realpath(self.dli_fname, self_path) == NULL)
    snprintf(self_path, sizeof(self_path), "%s", self.dli_fname);
  snprintf(lib_prop, sizeof(lib_prop), "-Djutp.shim.library=%s", self_path);

  void *jvm_so = dlopen(libjvm, RTLD_NOW | RTLD_GLOBAL);
  if (jvm_so == NULL) {
    fprintf(stderr, "jutp: cannot load %s: %s\n", libjvm, dlerror());
    return -1;
  }
  create_vm_fn create_vm = (create_vm_fn) dlsym(jvm_so, "JNI_CreateJavaVM");
  if (create_vm == NULL) {
    fprintf(stderr, "jutp: %s has no JNI_CreateJavaVM\n", libjvm);
    return -1;
  }

  JavaVMOption options[MAX_OPTIONS];
  int n = 0;
  options[n++].optionString = "-Xrs";            /* leave SIGINT/SIGTERM/SIGQUIT to the program */
  options[n++].optionString = "--enable-native-access=ALL-UNNAMED";
  options[n++].optionString = lib_prop;
  options[n++].optionString = agent;
  /* A guest's defaults (measured in the README): no GC threads (the serial collector runs on
   * the VM thread), no attach listener thread, no hsperfdata file in the host's /tmp, two
   * compiler threads. JUTP_JAVA_OPTIONS come later and win. */
  options[n++].optionString = "-XX:+UseSerialGC";
  options[n++].optionString = "-XX:+DisableAttachMechanism";
  options[n++].optionString = "-XX:-UsePerfData";
  options[n++].optionString = "-XX:CICompilerCount=2";   /* one C1 and one C2 thread, whatever the CPUs */
  options[n++].optionString = "-Xms8m";                  /* grow from small: start-up garbage is not kept resident */
  /* The jar on the class path from the start, as when the AOT cache was trained. */
  snprintf(class_path, sizeof(class_path), "-Djava.class.path=%s", jar);
  options[n++].optionString = class_path;
  /* The AOT cache (class data and profiles) the build trained for this JDK and jar; empty when
   * the JDK has none. */
  struct stat cache;
  if (same_file(home, JUTP_DEFAULT_JAVA_HOME) && same_file(jar, JUTP_DEFAULT_JAR) &&
      stat(JUTP_DEFAULT_AOT_CACHE, &cache) == 0 && cache.st_size > 0 &&
      access(JUTP_DEFAULT_AOT_CACHE, R_OK) == 0) {
    snprintf(aot_cache, sizeof(aot_cache), "-XX:AOTCache=%s", JUTP_DEFAULT_AOT_CACHE);
    options[n++].optionString = aot_cache;
    /* Its profile replay would keep one more thread for the life of the process. */
    options[n++].optionString = "-XX:+UnlockDiagnosticVMOptions";
    options[n++].optionString = "-XX:-AOTReplayTraining";
  }
  snprintf(extra, sizeof(extra), "%s", env_or("JUTP_JAVA_OPTIONS", ""));
  for (char *save = NULL, *tok = strtok_r(extra, " \t", &save);
       tok != NULL && n < MAX_OPTIONS;
       tok = strtok_r(NULL, " \t", &save))
    options[n++].optionString = tok;
  for (int i = 0; i < n; i++)
    options[i].extraInfo = NULL;

  JavaVMInitArgs args;
  args.version = JNI_VERSION_10;
  args.nOptions = n;
  args.options = options;
  args.ignoreUnrecognized = JNI_FALSE;

  JavaVM *vm = NULL;
  void *env = NULL;
  utp_shim_signals_before_jvm();
  jint rc = create_vm(&vm, &env, &args);
  utp_shim_signals_after_jvm(jvm_so);
  if (rc != JNI_OK) {
    fprintf(stderr, "jutp: JNI_CreateJavaVM failed (%d) with %s\n", (int) rc, libjvm);
    return -1;
  }
  /* The agent has run inside JNI_CreateJavaVM; the caller checks the table. */
  return 0;
}
