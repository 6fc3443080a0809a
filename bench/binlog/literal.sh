#!/usr/bin/env bash
# What the regex cut's literal search costs per statement: the scanner's 8-byte-word search against the incubating
# Vector API and String.indexOf, on the ANNOTATE_ROWS texts of real binlog files (LiteralSearchBench.java).
# usage: bench/binlog/literal.sh FILE...   (build first: mvn -q -o -pl steps -am package -DskipTests)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
CP="$root/steps/target/classes:$root/engine/target/classes"
javac -XDstringConcat=inline --add-modules jdk.incubator.vector -cp "$CP" -d "$out" "$here/LiteralSearchBench.java" 2>&1 \
  | grep -v -e 'incubator' -e '^1 warning' || true
for search in words vector indexOf; do
  java --add-modules jdk.incubator.vector -Dsearch="$search" -cp "$out:$CP" io.runbook.steps.binlog.LiteralSearchBench "$@" 2>&1 \
    | grep -v 'WARNING: Using incubator modules'
done
