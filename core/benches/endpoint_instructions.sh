#!/usr/bin/env bash
# Instructions per complete call (INVITE → 100 → 180 → 200 → ACK → BYE → 200, both
# endpoints), counted by callgrind on the `endpoint` bench: a figure that does not move
# with the machine's load, unlike criterion's wall-clock time. Needs valgrind.
#
#   core/benches/endpoint_instructions.sh            # total per call
#   core/benches/endpoint_instructions.sh 30         # and the 30 costliest functions
set -euo pipefail
cd "$(dirname "$0")/../.."
top=${1:-0}
cargo bench -p sipvoice-core --bench endpoint --no-run >/dev/null 2>&1
bin=$(ls -t target/release/deps/endpoint-* | grep -v '\.d$' | head -1)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --bench --profile-time 2 \
    'complete_call$' >/dev/null 2>&1
# `Pair::call` (never inlined) runs one call: its callers' call counts give the number
# of calls, its inclusive cost the instructions.
tree=$(callgrind_annotate --tree=caller "$out" 2>/dev/null)
line=$(grep -n '\*  .*endpoint::Pair::call \[' <<<"$tree" | head -1 | cut -d: -f1)
calls=$(awk -v l="$line" 'NR < l {b[NR] = $0} END {for (i = l - 1; i > 0 && b[i] !~ /^ *$/; i--) print b[i]}' <<<"$tree" |
    sed -nE 's/.*\(([0-9,]+)x\).*/\1/p' | tr -d , | awk '{s += $1} END {print s}')
total=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
    grep 'endpoint::Pair::call \[' | head -1 | awk '{print $1}' | tr -d ,)
echo "calls: $calls"
echo "instructions per call: $((total / calls))"
if [ "$top" -gt 0 ]; then
    echo "costliest functions (own instructions per call):"
    callgrind_annotate "$out" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | sed -n "2,$((top + 1))p" |
        awk -v n="$calls" '{c=$1; gsub(",","",c); $1=""; $2=""; $3=""; printf "%8d %s\n", c/n, $0}' |
        sed -E 's#/rustc/[0-9a-f]+/library/##; s#\[[^]]*\]##' | cut -c1-150
fi
