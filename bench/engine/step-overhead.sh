#!/usr/bin/env bash
# Engine overhead per step with the fsync'd journal: a 1,000-step runbook of core.log steps against a
# 1-step one, in fresh state dirs (goal: <= 5 ms per step). Needs the shaded jar: mvn -q install -DskipTests
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
  "$root/bin/runbook" --state-dir "$work/state-$1-$2" run "$work/bench-$1.yaml" >/dev/null 2>&1
  e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
}
gen 1; gen "$steps"
best1=999999; bestn=999999
for r in 1 2 3; do
  t=$(run_ms 1 $r); [ "$t" -lt "$best1" ] && best1=$t
  t=$(run_ms "$steps" $r); [ "$t" -lt "$bestn" ] && bestn=$t
done
per=$(awk -v a="$best1" -v b="$bestn" -v n="$steps" 'BEGIN { printf "%.2f", (b - a) / (n - 1) }')
records=$(find "$work" -name journal.jsonl -path "*state-$steps-1*" -exec wc -l {} + | awk '{print $1; exit}')
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  best of 3"
echo "1-step run:        ${best1} ms"
echo "${steps}-step run:   ${bestn} ms  (journal records: ${records:-?})"
echo "overhead per step: ${per} ms   (goal <= 5 ms)"
