#!/usr/bin/env bash
# shdump --obj and shdump check on a large history file, against grep over the same events written
# as a text log (issue: "do not scan more than needed"). Whole-process wall times, with hyperfine
# when it is installed (apt-get install hyperfine), else a plain loop.
#
# Usage: benchmarks/cli-vs-grep.sh [SIZE_MIB=1024] [DIR=/dev/shm/structhist-bench]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-1024}"
dir="${2:-/dev/shm/structhist-bench}"
mkdir -p "$dir"
history="$dir/large.hist"
log="$dir/large.log"

cd "$root"
mvn -B -q -o -DskipTests package -pl benchmarks,dump-tool -am >/dev/null 2>&1 || mvn -B -q -DskipTests package -pl benchmarks,dump-tool -am
flags="--add-exports java.base/jdk.internal.misc=ALL-UNNAMED"

echo "== generating $size_mib MiB history file and the same events as a text log in $dir"
out=$(java $flags -Dstructhist=true -cp benchmarks/target/benchmarks.jar org.structhist.bench.LargeHistoryFiles \
    "$history" "$log" "$size_mib")
echo "$out"
address=$(echo "$out" | sed -n 's/.*lookup=\(0x[0-9a-f]*\).*/\1/p')
ls -l "$history" "$log"

# What a user without structhist would run on the text log: grep for one object, and for the audit an
# awk pass that keeps a refcount per address and flags what check flags (below zero, destroy with refs,
# use after destroy). Output goes through a pipe: with stdout on /dev/null GNU grep stops at the first
# match, which would time nothing.
awk_audit='{ a=$5; if (a in dead) { print "use after destroy", a } if ($4=="TCP_REF") rc[a]++; else if ($4=="TCP_UNREF") { if (--rc[a] < 0) print "below zero", a } else if ($4=="TCP_DESTROY") { if (rc[a] > 0) print "destroy with refs", a; dead[a]=1 } }'
printf '%s\n' "$awk_audit" > "$dir/audit.awk"
shdump="java $flags -jar dump-tool/target/shdump.jar --no-color --file $history"
commands=(
    "$shdump --obj $address"
    "grep -F $address $log"
    "$shdump check"
    "mawk -f $dir/audit.awk $log"
)
command -v mawk >/dev/null 2>&1 || commands[3]="awk -f $dir/audit.awk $log"
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 1 --runs 5 -i --output=pipe --export-markdown "$dir/cli-vs-grep.md" "${commands[@]}"
    cat "$dir/cli-vs-grep.md"
else
    for c in "${commands[@]}"; do
        best=""
        for run in 1 2 3 4 5; do
            start=$(date +%s%N)
            eval "$c" 2>&1 | cat >/dev/null || true
            took=$(( ($(date +%s%N) - start) / 1000000 ))
            if [ -z "$best" ] || [ "$took" -lt "$best" ]; then best=$took; fi
        done
        printf '%8d ms (best of 5)  %s\n' "$best" "$c"
    done
fi
