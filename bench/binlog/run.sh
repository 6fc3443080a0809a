#!/usr/bin/env bash
# Binlog benchmark (never part of the test run). Generates >= 1.5 GiB of ROW binlog with a real MariaDB server
# (small OLTP transactions, some DDL, one DROP TABLE near the end), then measures in ONE run: the scanner's cut by
# time, GTID and regex; mariadb-binlog decode piped into grep; warm cat; replay by the durable pipe and by
# replication from a read-only donor. Prints every figure with its command and keeps them (and the replay logs) in
# bench/binlog/work/results.txt; the generated servers and binlogs are deleted at the end. RESULTS.md holds the
# figures of a reviewed run.
#
# usage: bench/binlog/run.sh [GIB]        (build first: mvn -q -o -pl cli -am package -DskipTests)
#   GIB=1.5 default; REPLAY_TRX=60000 transactions replayed; KEEP=1 keeps bench/binlog/work
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
W="$here/work"
GIB="${1:-1.5}"
REPLAY_TRX="${REPLAY_TRX:-60000}"
TARGET_BYTES=$(python3 -c "print(int($GIB * 2**30))")
OUT="$W/results.txt"
rm -rf "$W"; mkdir -p "$W"
# the steps module's own run-time class path (Jackson, the MariaDB driver...), this checkout's classes first
( cd "$root" && mvn -q -o -pl steps -am dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$W/deps.txt" >/dev/null )
CP="$root/steps/target/classes:$root/engine/target/classes:$(tr ':' '\n' <"$W/deps.txt" | grep -v '/io/runbook/' | paste -sd:)"
javac -XDstringConcat=inline -cp "$CP" -d "$W/classes" "$here/BinlogBench.java"   # as the project compiles (pom.xml)
JAVA=(java -cp "$W/classes:$CP" BinlogBench)   # the driver first: a class looked up last opens every jar first

started=()
cleanup() {
  for p in "${started[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$W/gen" "$W/snap" "$W"/base* "$W/classes"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
log() { echo "$*" | tee -a "$OUT"; }
# start NAME DATADIR PORT SERVER_ID [options...]
start() {
  local name=$1 data=$2 port=$3 id=$4; shift 4
  mariadbd --no-defaults --user=root --datadir="$data" --socket="$W/$name.sock" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$W/$name.pid" --log-error="$W/$name.err" --log-bin=bin --binlog-format=ROW --server-id="$id" \
    --gtid-strict-mode=1 --log-slave-updates=1 --innodb-buffer-pool-size=512M --innodb-log-file-size=256M \
    --max-binlog-size=256M "$@" &
  started+=($!)
  for _ in $(seq 300); do mariadb -uroot -S "$W/$name.sock" -e 'select 1' >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "server $name did not start; see $W/$name.err" >&2; exit 1
}
stop() {
  local name=$1 pid; pid=$(cat "$W/$name.pid")
  mariadb -uroot -S "$W/$name.sock" -e 'SHUTDOWN'
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
}
sql() { local name=$1; shift; mariadb -uroot -S "$W/$name.sock" -N -B -e "$*"; }
secs() { python3 -c "import time;print(time.time())"; }

log "# run at $(date -u +%FT%TZ) on $(nproc) cores; load before: $(uptime | sed 's/.*load/load/')"

# ---- generate ------------------------------------------------------------------------------------------------
mariadb-install-db --no-defaults --user=root --datadir="$W/gen" --auth-root-authentication-method=normal --skip-test-db >/dev/null
GPORT=$(freeport)
RELAXED=(--sync-binlog=0 --innodb-flush-log-at-trx-commit=2)
start gen "$W/gen" "$GPORT" 1 "${RELAXED[@]}"
sql gen "CREATE USER bench@'%' IDENTIFIED BY 'bench'; GRANT ALL ON *.* TO bench@'%' WITH GRANT OPTION;
  CREATE DATABASE bench;
  CREATE TABLE bench.accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, updated INT NOT NULL) ENGINE=InnoDB;
  CREATE TABLE bench.orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT NOT NULL, amount INT NOT NULL,
    note VARCHAR(64) NOT NULL, KEY (account)) ENGINE=InnoDB;
  CREATE TABLE bench.side (id INT PRIMARY KEY) ENGINE=InnoDB;
  CREATE TABLE bench.victim (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
  INSERT INTO bench.victim VALUES (1, 'keep me');
  INSERT INTO bench.accounts SELECT seq, 0, 0 FROM bench.seq_1_to_10000;"
mariadb -uroot -S "$W/gen.sock" <<'SQL'
DELIMITER //
CREATE PROCEDURE bench.oltp(IN n INT, IN first INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    START TRANSACTION;
    INSERT INTO bench.orders (account, amount, note) VALUES ((first + i) % 10000 + 1, (first + i) % 997, CONCAT('order ', first + i));
    UPDATE bench.accounts SET balance = balance + 1, updated = first + i WHERE id = (first + i) % 10000 + 1;
    COMMIT;
    SET i = i + 1;
  END WHILE;
END//
SQL
binlog_bytes() { du -cb "$W"/gen/bin.[0-9]* | tail -1 | cut -f1; }
t0=$(secs); n=0; chunk=100000; ddl=0
while [ "$(binlog_bytes)" -lt "$TARGET_BYTES" ]; do
  sql gen "CALL bench.oltp($chunk, $n)"; n=$((n + chunk)); ddl=$((ddl + 1))
  sql gen "ALTER TABLE bench.side ADD COLUMN c$ddl INT NULL"   # some DDL along the way
done
t1=$(secs)
log "generated $n transactions of phase 1 in $(python3 -c "print(round($t1-$t0,1))") s ($(python3 -c "print(round($n/($t1-$t0)))") trx/s, relaxed durability), $ddl ALTER TABLEs"
sql gen "FLUSH BINARY LOGS"
BASE_POS=$(sql gen "SELECT @@gtid_binlog_pos")
stop gen
# the base: the datadir at this point, with only its newest (empty) binlog file so it knows its GTID position
mkdir -p "$W/snap"
last=$(ls "$W"/gen/bin.[0-9]* | tail -1)
( cd "$W/gen" && for f in *; do case "$f" in bin.[0-9]*|bin.index) ;; *) cp -a "$f" "$W/snap/";; esac; done )
cp -a "$last" "$W/snap/"; echo "./$(basename "$last")" > "$W/snap/bin.index"
start gen "$W/gen" "$GPORT" 1 "${RELAXED[@]}"
sql gen "CALL bench.oltp($REPLAY_TRX, $n)"
THROUGH=$(sql gen "SELECT @@gtid_binlog_pos")
sleep 1.1   # the DROP gets its own second, so a cut by time can tell it apart
DROP_TIME=$(sql gen "SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ')")
sql gen "DROP TABLE bench.victim"
DROP_GTID=$(sql gen "SELECT @@gtid_binlog_pos")
sql gen "CALL bench.oltp(1000, $((n + REPLAY_TRX)))"
stop gen
FILES=("$W"/gen/bin.[0-9]*)
TOTAL=$(du -cb "${FILES[@]}" | tail -1 | cut -f1)
CUT_TIME=$(python3 -c "import datetime as d;t=d.datetime.strptime('$DROP_TIME','%Y-%m-%dT%H:%M:%SZ')-d.timedelta(seconds=1);print(t.strftime('%Y-%m-%dT%H:%M:%SZ'))")
log "binlog: ${#FILES[@]} files, $TOTAL bytes ($(python3 -c "print(round($TOTAL/2**30,2))") GiB); base at $BASE_POS; replay through $THROUGH; DROP TABLE is $DROP_GTID at $DROP_TIME"

# ---- measure ------------------------------------------------------------------------------------------------
ns() { date +%s%N; }
timed() { # LABEL COMMAND...: wall seconds of the command into $LAST
  local s e; s=$(ns); "${@:2}" | tee -a "$OUT"; e=$(ns); LAST=$(python3 -c "print(round(($e-$s)/1e9,3))"); log "$1: $LAST s"
}
timed3() { # LABEL COMMAND...: the median wall seconds of 3 runs into $LAST (one run is at the mercy of the machine)
  local s e all=()
  for _ in 1 2 3; do s=$(ns); "${@:2}" >>"$OUT"; e=$(ns); all+=("$((e - s))"); done
  LAST=$(python3 -c "import statistics;print(round(statistics.median([${all[*]/%/,}])/1e9,3))")
  log "$1: $LAST s (median of 3: $(python3 -c "print(' '.join(str(round(x/1e9,3)) for x in [${all[*]/%/,}]))"))"
}
log "load before measuring: $(uptime | sed 's/.*load/load/')"
cat "${FILES[@]}" >/dev/null; cat "${FILES[@]}" >/dev/null
timed3 "warm cat FILES >/dev/null" sh -c "cat $W/gen/bin.[0-9]* >/dev/null"; CAT=$LAST
"${JAVA[@]}" cut gtid "$DROP_GTID" "${FILES[@]}" >/dev/null   # warm-up of the JVM's own files in the page cache
timed3 "scanner find-cut by time ($CUT_TIME), wall incl. JVM start" "${JAVA[@]}" cut time "$CUT_TIME" "${FILES[@]}"; S_TIME=$LAST
timed3 "scanner find-cut by GTID ($DROP_GTID), wall incl. JVM start" "${JAVA[@]}" cut gtid "$DROP_GTID" "${FILES[@]}"; S_GTID=$LAST
timed3 "scanner find-cut by regex (DROP\\s+TABLE), wall incl. JVM start" "${JAVA[@]}" cut regex 'DROP\s+TABLE' "${FILES[@]}"; S_RE=$LAST
if [ -f "$root/cli/target/runbook.jar" ]; then
  # what an operator waits for: the same cut as a step of a runbook, through bin/runbook (JVM start, load, journal)
  cat >"$W/cut.yaml" <<YAML
runbook: bench-cut
steps:
  - id: cut
    use: binlog.find-cut
    with: { files: ["$W/gen"], startAfter: "$BASE_POS", beforeGtid: "$DROP_GTID" }
YAML
  "$root/bin/runbook" --state-dir "$W/state" run "$W/cut.yaml" >/dev/null   # warm-up
  timed3 "bin/runbook run cut.yaml (one binlog.find-cut step by GTID), wall" sh -c "'$root/bin/runbook' --state-dir '$W/state' run '$W/cut.yaml' >/dev/null"
else
  log "bin/runbook run: skipped, cli/target/runbook.jar is not built (mvn -q -o -pl cli -am package -DskipTests)"
fi
timed3 "scanner alone without CRC32 verification (not what the steps do), wall incl. JVM start" "${JAVA[@]}" raw-no-crc "$DROP_GTID" "${FILES[@]}"
# the same cut 3 times in one JVM: the first pays for the JIT, the later ones are what a later scan in a running engine
# costs (dr-pitr scans the same files again for binlog.inspect and the replay's cut)
log "scanner find-cut by GTID, 3 times in one JVM (in-process):"
"${JAVA[0]}" -Drepeat=3 "${JAVA[@]:1}" cut gtid "$DROP_GTID" "${FILES[@]}" | tee -a "$OUT" | tee "$W/repeat.txt"
WARM=$(tail -1 "$W/repeat.txt" | sed -n 's/.*: \([0-9.]*\) s in-process.*/\1/p')
log "scanner find-cut by regex, 3 times in one JVM (in-process):"
"${JAVA[0]}" -Drepeat=3 "${JAVA[@]:1}" cut regex 'DROP\s+TABLE' "${FILES[@]}" | tee -a "$OUT" | tee "$W/repeat-regex.txt"
WARM_RE=$(tail -1 "$W/repeat-regex.txt" | sed -n 's/.*: \([0-9.]*\) s in-process.*/\1/p')
timed "mariadb-binlog --base64-output=DECODE-ROWS --verbose FILES | grep -m1 'DROP TABLE'" \
  sh -c "mariadb-binlog --base64-output=DECODE-ROWS --verbose $W/gen/bin.[0-9]* 2>/dev/null | grep -m1 'DROP TABLE' >/dev/null"; DECODE=$LAST
log "load after scans: $(uptime | sed 's/.*load/load/')"

replay_base() { # NAME: a fresh copy of the base, durable (sync_binlog=1, innodb_flush_log_at_trx_commit=1)
  cp -a "$W/snap" "$W/$1"; BPORT=$(freeport); start "$1" "$W/$1" "$BPORT" 1 --sync-binlog=1 --innodb-flush-log-at-trx-commit=1
}
replay_base base1
"${JAVA[@]}" replay pipe "$BPORT" 0 "$THROUGH" durable "${FILES[@]}" 2>"$W/pipe.log" | tee -a "$OUT"
PIPE_RATE=$(tail -1 "$OUT" | sed -n 's/.*= \([0-9]*\) trx\/s.*/\1/p')
stop base1; rm -rf "$W/base1"
DPORT=$(freeport)
start gen "$W/gen" "$DPORT" 1 --read-only=1   # the donor: the later datadir, read-only
replay_base base2
"${JAVA[@]}" replay replication "$BPORT" "$DPORT" "$THROUGH" relax "${FILES[@]}" 2>"$W/repl.log" | tee -a "$OUT"
REPL_RATE=$(tail -1 "$OUT" | sed -n 's/.*= \([0-9]*\) trx\/s.*/\1/p')
log "after replication: sync_binlog=$(sql base2 'SELECT @@sync_binlog') innodb_flush_log_at_trx_commit=$(sql base2 'SELECT @@innodb_flush_log_at_trx_commit') read_only=$(sql base2 'SELECT @@read_only') server_id=$(sql base2 'SELECT @@server_id') victim rows=$(sql base2 'SELECT COUNT(*) FROM bench.victim')"
stop base2; rm -rf "$W/base2"
REPLD_RATE=0
if [ "${REPL_DURABLE:-1}" = 1 ]; then
  replay_base base3
  "${JAVA[@]}" replay replication "$BPORT" "$DPORT" "$THROUGH" durable "${FILES[@]}" 2>"$W/repl-durable.log" | tee -a "$OUT"
  REPLD_RATE=$(tail -1 "$OUT" | sed -n 's/.*= \([0-9]*\) trx\/s.*/\1/p')
  stop base3
fi
stop gen
log "load after replay: $(uptime | sed 's/.*load/load/')"

ratio() { python3 -c "print(round($1/$2,1))"; }
ratio2() { python3 -c "print(round($1/$2,2))"; }
log "RATIOS decode-and-grep / scanner: time $(ratio "$DECODE" "$S_TIME")x, gtid $(ratio "$DECODE" "$S_GTID")x, regex $(ratio "$DECODE" "$S_RE")x"
log "RATIOS warm cat / scanner (1.0 = cat speed): time $(ratio2 "$CAT" "$S_TIME"), gtid $(ratio2 "$CAT" "$S_GTID"), regex $(ratio2 "$CAT" "$S_RE")"
log "RATIOS warm cat / scanner already warm in its JVM (the 3rd cut, in-process): gtid $(ratio2 "$CAT" "$WARM"), regex $(ratio2 "$CAT" "$WARM_RE")"
log "RATIOS replay replication relaxed / durable pipe: $(ratio "$REPL_RATE" "$PIPE_RATE")x; replication durable / durable pipe: $(ratio "$REPLD_RATE" "$PIPE_RATE")x"
