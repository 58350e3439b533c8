#!/usr/bin/env bash
# Peak memory of `ner tag` with the shipped model on 2 threads, into a file, measured with /usr/bin/time -v:
#   1. SIZE_MB megabytes (default 200; a decimal fraction is fine) of ordinary lines (the sample text repeated);
#   2. eight lines of LINE_KB kilobytes each (default 1024; no line break inside), the worst case: a line is
#      tokenized and tagged whole.
# Prints the hardware, each exact command, the peak resident set size and the model's size.
# Usage: scripts/memory.sh [SIZE_MB] [LINE_KB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
line_kb=${2:-1024}
source scripts/use_build.sh
use_build ner
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$size_mb" "$line_kb" <<'PY'
import sys
work, size, line_bytes = sys.argv[1], int(float(sys.argv[2]) * (1 << 20)), int(sys.argv[3]) << 10
sample = open("examples/sample.txt", encoding="utf-8").read().encode()
copies = max(1, size // len(sample))
with open(work + "/ordinary.txt", "wb") as out:
    for start in range(0, copies, 4096):
        out.write(sample * min(4096, copies - start))
sample = sample.decode()
line = sample.replace("\n", "").encode()
line = (line * (line_bytes // len(line) + 1))[:line_bytes].decode("utf-8", "ignore").encode() + b"\n"
with open(work + "/long_lines.txt", "wb") as out:
    out.write(line * 8)
PY
model=models/msra.model
model_mb=$(awk -v b="$(stat -c %s "$model")" 'BEGIN {printf "%.1f", b / 1048576}')
echo "hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); model $model_mb MB"
for input in ordinary long_lines; do
  command=("$build/ner" tag --model "$model" --threads 2 --output "$work/output.jsonl" "$work/$input.txt")
  echo
  echo "input: $input.txt, $(stat -c %s "$work/$input.txt") bytes, $(wc -l < "$work/$input.txt") lines"
  echo "\$ /usr/bin/time -v ${command[*]}"
  /usr/bin/time -v -o "$work/time" "${command[@]}"
  peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s}' "$work/time")
  echo "output: $(stat -c %s "$work/output.jsonl") bytes in $seconds s"
  awk -v kb="$peak_kb" -v m="$model_mb" 'BEGIN {printf "peak RSS: %.1f MB (%.1f MB above the model)\n", kb / 1024, kb / 1024 - m}'
done
