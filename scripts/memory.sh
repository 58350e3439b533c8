#!/usr/bin/env bash
# Peak memory of `ner tag` on a large input: builds a file of SIZE_MB megabytes (default 200) from the sample text,
# with a 1 MB line (no newline inside) after every 20 MB, tags it with the shipped model on 2 threads into a file,
# and prints the peak resident set size from /usr/bin/time -v next to the model's size, with the exact command.
# Usage: scripts/memory.sh [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
bash scripts/setup.sh
bash scripts/build.sh build/release -- ner >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The input: sample lines repeated, and every 20 MB one line of 1 MB.
python3 - "$work/input.txt" "$size_mb" <<'PY'
import sys
path, size = sys.argv[1], int(sys.argv[2]) << 20
sample = open("examples/sample.txt", encoding="utf-8").read()
block = sample * ((1 << 20) // len(sample.encode()))
long_line = sample.replace("\n", "").encode()
long_line = (long_line * ((1 << 20) // len(long_line) + 1))[: 1 << 20].decode("utf-8", "ignore").encode() + b"\n"
with open(path, "wb") as out:
    written, next_long = 0, 20 << 20
    data = block.encode()
    while written < size:
        out.write(data); written += len(data)
        if written >= next_long:
            out.write(long_line); written += len(long_line); next_long += 20 << 20
PY
input_bytes=$(stat -c %s "$work/input.txt")
model=models/msra.model
command=(build/release/ner tag --model "$model" --threads 2 --output "$work/output.jsonl" "$work/input.txt")
echo "hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "input: $input_bytes bytes ($(python3 -c "print(open('$work/input.txt', encoding='utf-8').read().count(chr(10)))") lines)"
echo "\$ /usr/bin/time -v ${command[*]}"
/usr/bin/time -v -o "$work/time" "${command[@]}"
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s}' "$work/time")
model_mb=$(awk -v b="$(stat -c %s "$model")" 'BEGIN {printf "%.1f", b / 1048576}')
echo "output: $(stat -c %s "$work/output.jsonl") bytes in $seconds s"
awk -v kb="$peak_kb" -v m="$model_mb" 'BEGIN {printf "peak RSS: %.1f MB; model: %s MB; above the model: %.1f MB\n", kb / 1024, m, kb / 1024 - m}'
