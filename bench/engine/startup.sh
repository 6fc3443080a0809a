#!/usr/bin/env bash
# Whole-process wall time of `runbook validate` on the example runbooks (goal: <= 0.8 s on 2 cores),
# next to a bare JVM start for scale. Needs the shaded jar: mvn -q -o -pl cli -am package -DskipTests
# Usage: bench/engine/startup.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-15}"
cd "$root"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

# Times of a failing command mean nothing: stop unless validate passes (this also warms the page cache).
for _ in 1 2 3; do bin/runbook validate runbooks/examples >/dev/null || { echo "runbook validate failed" >&2; exit 1; }; done
jvm=$(for _ in $(seq "$runs"); do time_ms java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version; done | median)
val=$(for _ in $(seq "$runs"); do time_ms bin/runbook validate runbooks/examples; done | median)
help=$(for _ in $(seq "$runs"); do time_ms bin/runbook --help; done | median)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  runs: $runs (median)"
echo "bare JVM start (java -version):          ${jvm} ms"
echo "runbook --help:                          ${help} ms"
echo "runbook validate runbooks/examples:      ${val} ms   (goal <= 800 ms)"
