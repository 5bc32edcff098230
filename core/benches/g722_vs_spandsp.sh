#!/usr/bin/env bash
# G.722 speed: sipvoice-core against spandsp on this machine, in one run.
#
#   core/benches/g722_vs_spandsp.sh [MEASUREMENT_SECONDS]     (from any directory)
#
# Builds the spandsp oracle (shared/peers/spandsp/g722ref.c; needs gcc and
# libspandsp-dev), runs its `bench` mode (CPU time over 300 s of the ITU-T STL
# speech in 20 ms frames, one state per stream) before, between and after our
# criterion benchmarks `g722/encode_20ms` and `g722/decode_20ms` (same speech, same
# frames, state carried across frames), and prints the per-frame times and ratios.
# spandsp is taken as the median of its three runs, ours as criterion's median.
# Set SHARED to the shared/ directory if it is not beside the repository.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
MEASURE=${1:-5}
INPUT=$SHARED/testdata/g722/inpsp.bin
WORK=$(mktemp -d /tmp/g722bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

gcc -O2 -Wall -o "$WORK/g722ref" "$SHARED/peers/spandsp/g722ref.c" -lspandsp
cd "$ROOT"
cargo bench -q -p sipvoice-core --bench codec --no-run 2>/dev/null
TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

spandsp() { "$WORK/g722ref" bench "$INPUT" 300 | tee -a "$WORK/spandsp.txt"; }
ours() {
    cargo bench -q -p sipvoice-core --bench codec -- "g722/${1}_20ms" \
        --warm-up-time 1 --measurement-time "$MEASURE" 2>/dev/null | grep -E "time:" || true
}

spandsp
ours encode
spandsp
ours decode
spandsp

python3 - "$WORK/spandsp.txt" "$TARGET/criterion/g722" <<'PY'
import json, re, statistics, sys
runs = open(sys.argv[1]).read().splitlines()
enc = [float(re.search(r"\(([\d.]+) us per 20 ms frame\)", r).group(1)) for r in runs]
dec = [float(re.search(r"\(([\d.]+) us per frame\)", r).group(1)) for r in runs]
def ours(name):
    est = json.load(open(f"{sys.argv[2]}/{name}_20ms/new/estimates.json"))
    return est["median"]["point_estimate"] / 1000.0
rows = [("encode", statistics.median(enc), ours("encode")),
        ("decode", statistics.median(dec), ours("decode"))]
print()
print("G.722 64 kbit/s, per 20 ms frame (320 samples / 160 bytes):")
print(f"{'':8}{'spandsp':>12}{'sipvoice':>12}{'speed-up':>10}")
for name, theirs, mine in rows:
    print(f"{name:8}{theirs:>9.2f} us{mine:>9.2f} us{theirs / mine:>9.2f}x")
print(f"(spandsp runs: encode {enc}, decode {dec} us)")
PY
