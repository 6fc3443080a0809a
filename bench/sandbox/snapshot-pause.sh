#!/usr/bin/env bash
# How long a sandbox snapshot pauses the primary's mariadbd (SIGSTOP .. SIGCONT) as its datadir grows, and how long
# `runbook demo` takes phase by phase. Usage: bench/sandbox/snapshot-pause.sh [MB of extra rows, default 200]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mb="${1:-200}"
root="$(mktemp -d /tmp/runbook-bench-sandbox.XXXXXX)"
rmdir "$root"
trap '"$here/bin/runbook" sandbox down --root "$root" >/dev/null 2>&1 || true' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); file system of $root: $(df -T /tmp | awk 'NR==2{print $2}') (reflinks only on xfs/btrfs)"
"$here/bin/runbook" sandbox up --root "$root" --replicas 0 2>/dev/null | grep "estate built"
port=$(grep -A9 '^  primary:' "$root/inventory.yaml" | grep -o 'port: [0-9][0-9]*' | head -1 | cut -d' ' -f2)
export MYSQL_PWD="$(cat "$root/db-password")"
mariadb -h127.0.0.1 -P"$port" -urunbook -e "CREATE TABLE shop.filler (id INT PRIMARY KEY, pad CHAR(255)) ENGINE=InnoDB;
  INSERT INTO shop.filler SELECT seq, REPEAT('x', 255) FROM shop.seq_1_to_$((mb * 1024 * 1024 / 300))"
echo "datadir: $(du -sh "$root/disks/primary-data/fs" | cut -f1)"
for i in 1 2 3; do
  "$here/bin/runbook" sandbox snapshot --root "$root" 2>/dev/null | grep -o 'in [0-9]* ms with mariadbd.*paused'
done
"$here/bin/runbook" sandbox down --root "$root" >/dev/null 2>&1
echo "runbook demo phases:"
"$here/bin/runbook" demo --root "$root" 2>/dev/null | sed -n '/Measured time of each phase/,/^$/p'
