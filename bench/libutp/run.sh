#!/usr/bin/env bash
# libutp <-> libutp loopback throughput baseline (two processes, one connection).
#
#   bench/libutp/run.sh            # 256 MB, 4 MiB and default socket buffers, 3 interleaved rounds
#
# Environment: BYTES (default 256000000), REPS (3), BUFS ("4194304 0"; 0 = kernel default),
# HOST (127.0.0.1), TIMEOUT_S per run (180), OUT (results file, default
# bench/results/libutp-<date>.jsonl; bench/results/ is git-ignored).
# Prints one JSON line per run, then one summary line per buffer size (median and range).
# Bounded: every run has a deadline; only processes this script started are stopped, by PID.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${UTP_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
  BIN="$("$ROOT/bench/libutp/build.sh" | tail -1)"
fi
mkdir -p "$ROOT/bench/results"
export BIN
export BYTES="${BYTES:-256000000}" REPS="${REPS:-3}" BUFS="${BUFS:-4194304 0}" HOST="${HOST:-127.0.0.1}"
export TIMEOUT_S="${TIMEOUT_S:-180}"
export OUT="${OUT:-$ROOT/bench/results/libutp-$(date +%Y%m%d-%H%M%S).jsonl}"
exec python3 - <<'PY'
import json, os, re, statistics, subprocess, sys, time

BIN = os.environ["BIN"]; BYTES = int(float(os.environ["BYTES"])); REPS = int(os.environ["REPS"])
BUFS = [int(b) for b in os.environ["BUFS"].split()]; HOST = os.environ["HOST"]
TIMEOUT_S = float(os.environ["TIMEOUT_S"]); OUT = os.environ["OUT"]
if not HOST.startswith("127."):
    sys.exit("HOST must be a loopback address")

def busy_jiffies():
    # machine-wide busy CPU time (user nice system irq softirq steal), in seconds
    f = open("/proc/stat").readline().split()
    v = [int(x) for x in f[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")

def stop(p):
    if p.poll() is None:
        p.kill()  # by PID: only the process this script started
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass

def one_run(buf, rnd):
    busy0, t0 = busy_jiffies(), time.monotonic()
    recv = subprocess.Popen([BIN, "recv", "--host", HOST, "--port", "0", "--bytes", str(BYTES), "--buf", str(buf),
                             "--timeout-s", str(TIMEOUT_S)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    send = None
    try:
        line = recv.stdout.readline()
        m = re.search(r'"port":(\d+)', line)
        if not m:
            raise RuntimeError("receiver did not start: %r" % line)
        send = subprocess.Popen([BIN, "send", "--host", HOST, "--port", m.group(1), "--bytes", str(BYTES),
                                 "--buf", str(buf), "--timeout-s", str(TIMEOUT_S)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        s_out, _ = send.communicate(timeout=TIMEOUT_S + 10)
        r_out, _ = recv.communicate(timeout=15)
    finally:
        if send is not None:
            stop(send)
        stop(recv)
    wall = time.monotonic() - t0
    r = json.loads(r_out.strip().splitlines()[-1]); s = json.loads(s_out.strip().splitlines()[-1])
    ours = r["cpu_s"] + s["cpu_s"]
    foreign = max(0.0, busy_jiffies() - busy0 - ours)
    rec = {"round": rnd, "buf_requested": buf, "rcvbuf_effective": r["rcvbuf"], "bytes": r["bytes"],
           "ok": bool(r["ok"] and s["ok"]), "mb_per_s": r["mb_per_s"], "secs": r["secs"],
           "cpu_s_per_gb": round(ours / (BYTES / 1e9), 3), "cpu_s_recv": r["cpu_s"], "cpu_s_send": s["cpu_s"],
           "datagrams_data": s["datagrams_out"], "datagrams_ack": r["datagrams_out"],
           "foreign_cpu_s_per_s": round(foreign / wall, 2), "wall_s": round(wall, 2)}
    if not rec["ok"]:
        rec["error"] = r.get("error") or s.get("error")
    return rec

results = []
with open(OUT, "a") as f:
    for rnd in range(1, REPS + 1):
        for buf in BUFS:  # interleaved: every case once per round
            try:
                rec = one_run(buf, rnd)
            except Exception as e:  # a failed run is recorded, not fatal
                rec = {"round": rnd, "buf_requested": buf, "ok": False, "error": str(e)}
            results.append(rec)
            line = json.dumps(rec)
            print(line, flush=True)
            f.write(line + "\n")
    bad = 0
    for buf in BUFS:
        rs = [r for r in results if r["buf_requested"] == buf and r["ok"]]
        bad += sum(1 for r in results if r["buf_requested"] == buf and not r["ok"])
        if not rs:
            summ = {"summary": True, "buf_requested": buf, "runs_ok": 0}
        else:
            mb = [r["mb_per_s"] for r in rs]; cpu = [r["cpu_s_per_gb"] for r in rs]
            summ = {"summary": True, "bytes": BYTES, "buf_requested": buf, "rcvbuf_effective": rs[0]["rcvbuf_effective"],
                    "runs_ok": len(rs), "runs": REPS,
                    "mb_per_s_median": statistics.median(mb), "mb_per_s_min": min(mb), "mb_per_s_max": max(mb),
                    "cpu_s_per_gb_median": statistics.median(cpu), "cpu_s_per_gb_min": min(cpu), "cpu_s_per_gb_max": max(cpu),
                    "foreign_cpu_s_per_s_max": max(r["foreign_cpu_s_per_s"] for r in rs)}
        line = json.dumps(summ)
        print(line, flush=True)
        f.write(line + "\n")
print("results: " + OUT, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
