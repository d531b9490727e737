#!/usr/bin/env bash
# Events per second of one writer process against two writer processes on one history file: each
# round starts 1, then 2 writer JVMs on a fresh file for a fixed time, each logging as fast as it can,
# and checks their reported counts against the file (HistoryReader). See TwoProcessWriters.java.
#
# Usage: benchmarks/two-processes.sh [SECONDS=5] [ROUNDS=3] [--same-object]
#   --same-object: every process logs to one object (pushed by the coordinator) instead of its own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-5}"
rounds="${2:-3}"
shift $(( $# < 2 ? $# : 2 ))

cd "$root"
mvn -B -q -o -DskipTests package -pl benchmarks -am >/dev/null 2>&1 || mvn -B -q -DskipTests package -pl benchmarks -am
exec java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dstructhist=true \
    -cp benchmarks/target/benchmarks.jar org.structhist.bench.TwoProcessWriters \
    --seconds "$seconds" --rounds "$rounds" "$@"
