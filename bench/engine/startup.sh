#!/usr/bin/env bash
# Whole-process wall time of `runbook validate` on the example runbooks (goal: <= 0.8 s on 2 cores) and of a run of
# the small example hello.yaml (journal, run log, 6 steps), each with and without the launcher's class data sharing
# archive, next to a bare JVM start for scale. Needs the shaded jar: mvn -q -o -pl cli -am package -DskipTests
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
# (the first of those runs also wrote bin/runbook's class data sharing archive; RUNBOOK_NO_CDS=1 starts without it)
# Interleaved, so that a drift of the machine's speed touches both alike.
pairs=$(for _ in $(seq "$runs"); do
  echo "$(time_ms bin/runbook validate runbooks/examples) $(time_ms env RUNBOOK_NO_CDS=1 bin/runbook validate runbooks/examples)"
done)
val=$(cut -d' ' -f1 <<<"$pairs" | median)
nocds=$(cut -d' ' -f2 <<<"$pairs" | median)
state="$(mktemp -d)"; trap 'rm -rf "$state"' EXIT
runs_pairs=$(for _ in $(seq "$runs"); do
  echo "$(time_ms bin/runbook --state-dir "$state" run runbooks/examples/hello.yaml) $(time_ms env RUNBOOK_NO_CDS=1 bin/runbook --state-dir "$state" run runbooks/examples/hello.yaml)"
done)
run=$(cut -d' ' -f1 <<<"$runs_pairs" | median)
run_nocds=$(cut -d' ' -f2 <<<"$runs_pairs" | median)
help=$(for _ in $(seq "$runs"); do time_ms bin/runbook --help; done | median)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  runs: $runs (median)"
echo "bare JVM start (java -version):          ${jvm} ms"
echo "runbook --help:                          ${help} ms"
echo "runbook validate runbooks/examples:      ${val} ms   (goal <= 800 ms)"
echo "  the same without the CDS archive:      ${nocds} ms   (with/without: $(awk -v a="$val" -v b="$nocds" 'BEGIN {printf "%.2f", a / b}'))"
echo "runbook run runbooks/examples/hello.yaml: ${run} ms"
echo "  the same without the CDS archive:      ${run_nocds} ms   (with/without: $(awk -v a="$run" -v b="$run_nocds" 'BEGIN {printf "%.2f", a / b}'))"
