#!/usr/bin/env bash
# Engine overhead per step: a runbook of N core.log steps run with the fsync'd journal; the time from the
# first to the last journal record divided by N. Also the wall time of `runbook validate` on the examples.
# Usage: bench/engine-overhead.sh [N]   (build first: mvn -q -o -pl cli -am package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{
  echo "runbook: overhead"
  echo "steps:"
  for i in $(seq 1 "$n"); do
    echo "  - id: s$i"
    echo "    use: core.log"
    echo "    with: { message: \"step $i of run \${{ run.id }}\" }"
  done
} > "$work/overhead.yaml"

start=$(date +%s%N)
"$here/bin/runbook" --state-dir "$work/state" run "$work/overhead.yaml" > "$work/out.txt"
end=$(date +%s%N)
journal="$(ls "$work"/state/runs/*/journal.jsonl)"
python3 - "$journal" "$n" "$(( (end - start) / 1000000 ))" <<'PY'
import json, sys
from datetime import datetime
recs = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
t = lambda r: datetime.fromisoformat(r["at"].replace("Z", "+00:00")[:26] + "+00:00")
span = (t(recs[-1]) - t(recs[0])).total_seconds() * 1000
print(f"{n} core.log steps: {len(recs)} journal records, first-to-last {span:.0f} ms, "
      f"{span / n:.2f} ms per step; whole process {sys.argv[3]} ms")
PY

for i in 1 2 3 4 5; do
  s=$(date +%s%N); "$here/bin/runbook" validate "$here/runbooks/examples" > /dev/null; e=$(date +%s%N)
  echo "validate runbooks/examples: $(( (e - s) / 1000000 )) ms"
done
