#!/usr/bin/env bash
# Kernel TCP joining a uTP flow through a router (issue 12), the bottleneck where a home router's
# uplink puts it: three network namespaces made for each run, sender -> router -> receiver over
# veth pairs, a tbf on the router's port towards the receiver (20 Mbit/s, up to 400 ms of queue).
# Acks return unshaped and the senders' own qdiscs never hold the queue, unlike bench/kernel-cc.sh's
# shaped loopback, where the local TCP sender's in-flight data is capped by its host's qdisc.
#   bench/routed-cc.sh [--rounds 3] [--seconds 24] [--senders ledbat++,ledbat,libutp]
# Per round and sender (jutp LEDBAT++, jutp classic LEDBAT, libutp through utp-native's peer in
# src/test/interop): the uTP flow alone for 6 s, then iperf3
# (-C cubic, then -C bbr) for seconds-8 s; prints iperf3's receiver rate, its share of the link and
# the median ping delay added while both ran. Needs root (ip netns), iperf3, ping, the built jar and
# node with src/test/interop/node_modules (npm install --prefix src/test/interop).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
seconds=24
senders="ledbat++,ledbat,libutp"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --senders) senders="$2"; shift 2 ;;
        *) echo "usage: bench/routed-cc.sh [--rounds N] [--seconds S] [--senders ledbat++,ledbat,libutp]" >&2; exit 2 ;;
    esac
done
[ "$seconds" -ge 14 ] || { echo "routed-cc: --seconds must be at least 14" >&2; exit 2; }
utpcat="$PWD/bin/utpcat"
interop="$PWD/src/test/interop"
"$utpcat" --help >/dev/null
link_mbit=20
work="$(mktemp -d "${TMPDIR:-/tmp}/jutp-routed.XXXXXX")"
ns_s="jutp-s-$$"; ns_r="jutp-r-$$"; ns_d="jutp-d-$$"
started=()

teardown() {
    for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
    started=()
    for ns in "$ns_s" "$ns_r" "$ns_d"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap 'teardown; rm -rf "$work"' EXIT

topology() {
    ip netns add "$ns_s"; ip netns add "$ns_r"; ip netns add "$ns_d"
    ip link add s0 netns "$ns_s" type veth peer name r0 netns "$ns_r"
    ip link add r1 netns "$ns_r" type veth peer name d0 netns "$ns_d"
    ip -n "$ns_s" addr add 10.77.1.1/24 dev s0
    ip -n "$ns_r" addr add 10.77.1.2/24 dev r0
    ip -n "$ns_r" addr add 10.77.2.1/24 dev r1
    ip -n "$ns_d" addr add 10.77.2.2/24 dev d0
    for ns in "$ns_s" "$ns_r" "$ns_d"; do ip -n "$ns" link set lo up; done
    ip -n "$ns_s" link set s0 up; ip -n "$ns_r" link set r0 up
    ip -n "$ns_r" link set r1 up; ip -n "$ns_d" link set d0 up
    ip -n "$ns_s" route add default via 10.77.1.2
    ip -n "$ns_d" route add default via 10.77.2.1
    ip netns exec "$ns_r" sysctl -qw net.ipv4.ip_forward=1
    ip netns exec "$ns_r" tc qdisc add dev r1 root tbf rate ${link_mbit}mbit burst 15kb latency 400ms
}

# One run: prints "<rate Mbit/s> <median added delay ms while TCP ran>".
run() {
    local congestion="$1" tcp="$2" out="$work/run"
    rm -rf "$out"; mkdir -p "$out"
    topology
    ip netns exec "$ns_s" ping -n -i 0.2 10.77.2.2 > "$out/ping" 2>&1 & started+=($!)
    if [ "$congestion" = libutp ]; then
        ip netns exec "$ns_d" env NODE_PATH="$interop/node_modules" node "$interop/utp_peer.js" listen --host 10.77.2.2 --port 9000 \
            --mode sink --out /dev/null --timeout-ms 600000 > /dev/null 2> "$out/recv" & started+=($!)
    else
        ip netns exec "$ns_d" "$utpcat" -l -p 9000 > /dev/null 2> "$out/recv" & started+=($!)
    fi
    ip netns exec "$ns_d" iperf3 -s -1 -p 5201 > /dev/null 2>&1 & started+=($!)
    sleep 1.5
    if [ "$congestion" = libutp ]; then
        ip netns exec "$ns_s" env NODE_PATH="$interop/node_modules" node "$interop/utp_peer.js" connect --host 10.77.2.2 --bind 10.77.1.1 \
            --port 9000 --mode send --bytes 1000000000000 --timeout-ms 600000 > /dev/null 2> "$out/send" & started+=($!)
    else
        ip netns exec "$ns_s" "$utpcat" --congestion "$congestion" 10.77.2.2 9000 < /dev/zero > /dev/null 2> "$out/send" & started+=($!)
    fi
    sleep 6
    ip netns exec "$ns_s" iperf3 -c 10.77.2.2 -p 5201 -t $((seconds - 8)) -C "$tcp" -f m > "$out/iperf" 2>&1
    teardown
    local rate base
    rate="$(awk '/receiver/ {print $7}' "$out/iperf")"
    base="$(grep -o 'time=[0-9.]*' "$out/ping" | head -5 | cut -d= -f2 | sort -g | head -1)"
    # Pings while TCP ran: from 7.5 s after the first (1.5 s + 6 s) to the end.
    local delay
    delay="$(grep -o 'time=[0-9.]*' "$out/ping" | cut -d= -f2 | tail -n +39 | sort -g \
        | awk -v b="$base" '{v[NR]=$1} END {if (NR == 0) print "-"; else printf "%.0f", v[int((NR+1)/2)] - b}')"
    echo "${rate:--} $delay"
}

echo "routed-cc: $rounds rounds, ${link_mbit} Mbit/s router bottleneck, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
declare -A results
for round in $(seq 1 "$rounds"); do
    for tcp in cubic bbr; do
        for congestion in ${senders//,/ }; do
            r="$(run "$congestion" "$tcp")"
            echo "round $round: TCP $tcp next to $congestion: $r (Mbit/s, ms added)" >&2
            results["$tcp $congestion"]+="${r%% *} "
        done
    done
done

header="| TCP next to |"; rule="|---|"
for congestion in ${senders//,/ }; do
    case "$congestion" in
        ledbat++) header+=" jutp LEDBAT++ (default) |" ;;
        ledbat) header+=" jutp classic LEDBAT |" ;;
        libutp) header+=" libutp |" ;;
        *) echo "routed-cc: unknown sender $congestion" >&2; exit 2 ;;
    esac
    rule+="---|"
done
echo "$header"; echo "$rule"
for tcp in cubic bbr; do
    row="| TCP ${tcp^^}'s share of ${link_mbit} Mbit/s |"
    for congestion in ${senders//,/ }; do
        row+=" $(echo "${results["$tcp $congestion"]}" | tr ' ' '\n' | grep -v '^-*$' | sort -g \
            | awk -v l="$link_mbit" '{v[NR]=$1} END {if (NR == 0) {print "–"; exit}
                printf "%.0f %% (%.0f–%.0f %%)", 100*v[int((NR+1)/2)]/l, 100*v[1]/l, 100*v[NR]/l}') |"
    done
    echo "$row"
done
echo
echo "Median (min–max) of $rounds rounds of iperf3's receiver rate over $((seconds - 8)) s; made by \`bench/routed-cc.sh\`."
