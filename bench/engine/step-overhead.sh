#!/usr/bin/env bash
# Engine overhead per step with the fsync'd journal (goal: <= 5 ms per step), measured two ways:
#  - wall time: a STEPS-step runbook of core.log steps against a 1-step one, in fresh state dirs, best of 3;
#  - journal span: time from the first to the last journal record of the STEPS-step run, divided by STEPS
#    (no JVM start in it).
# Needs the shaded jar: mvn -q -o -pl cli -am package -DskipTests
# Usage: bench/engine/step-overhead.sh [STEPS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
steps="${1:-1000}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
gen() {
  { echo "runbook: bench-$1"; echo "summary: $1 core.log steps"; echo "steps:"
    for i in $(seq "$1"); do echo "  - id: s$i"; echo "    use: core.log"; echo "    with: { message: \"step $i of \${{ run.id }}\" }"; done
  } > "$work/bench-$1.yaml"
}
run_ms() {
  local s e; s=$(date +%s%N)
  if ! "$root/bin/runbook" --state-dir "$work/state-$1-$2" run "$work/bench-$1.yaml" >"$work/out-$1-$2.txt" 2>&1; then
    echo "the $1-step run failed; its output:" >&2; cat "$work/out-$1-$2.txt" >&2; exit 1
  fi
  e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
}
gen 1; gen "$steps"
best1=999999; bestn=999999; bestspan=999999
for r in 1 2 3; do
  t=$(run_ms 1 "$r"); [ "$t" -lt "$best1" ] && best1=$t
  t=$(run_ms "$steps" "$r"); [ "$t" -lt "$bestn" ] && bestn=$t
  journal="$(ls "$work/state-$steps-$r"/runs/*/journal.jsonl)"
  span=$(python3 - "$journal" <<'PY'
import json, sys
from datetime import datetime
recs = [json.loads(l) for l in open(sys.argv[1])]
at = lambda r: datetime.fromisoformat(r["at"].replace("Z", "+00:00")[:26] + "+00:00")
print(round((at(recs[-1]) - at(recs[0])).total_seconds() * 1000))
PY
)
  [ "$span" -lt "$bestspan" ] && bestspan=$span
done
records=$(wc -l < "$(ls "$work/state-$steps-1"/runs/*/journal.jsonl)")
per=$(awk -v a="$best1" -v b="$bestn" -v n="$steps" 'BEGIN { printf "%.2f", (b - a) / (n - 1) }')
perspan=$(awk -v s="$bestspan" -v n="$steps" 'BEGIN { printf "%.2f", s / n }')
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  best of 3"
echo "1-step run:                 ${best1} ms"
echo "${steps}-step run:              ${bestn} ms  (journal records: ${records})"
echo "overhead per step (wall):   ${per} ms   (goal <= 5 ms)"
echo "journal span per step:      ${perspan} ms   (first to last record of the ${steps}-step run)"
