#!/usr/bin/env bash
# Trains the character language models (forward and backward) on the open raw text, $NER_DATA/raw/open.txt
# (default: a shared/data folder beside the checkout; 442,122 lines, 25 M characters), and samples from the result.
# Usage: scripts/train_lm.sh [CHARS] [ner lm train options...]
#   CHARS: train on the text's first lines up to that many characters (e.g. 200000 for a smoke test of a few
#   minutes); 0 or absent: all of it (hours). The rest of the arguments go to ner lm train (e.g. --epochs 1).
# Writes build/lm/open.lm (OUT=DIR to move it), its checkpoint and metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
chars=${1:-0}
shift || true
data=${NER_DATA:-../shared/data}
out=${OUT:-build/lm}
raw="$data/raw/open.txt"
[ -f "$raw" ] || { echo "train_lm: $raw not found (set NER_DATA)" >&2; exit 1; }
source scripts/use_build.sh
use_build ner
mkdir -p "$out"
if [ "$chars" -gt 0 ]; then
  # The first lines holding CHARS characters (code points), in a temporary file (the raw text is never copied into
  # the checkout).
  cut=$(mktemp)
  trap 'rm -f "$cut"' EXIT
  python3 -c 'import sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if n >= int(sys.argv[2]): break
    sys.stdout.write(line); n += len(line)' "$raw" "$chars" > "$cut"
  raw=$cut
fi
grep -m1 'model name' /proc/cpuinfo || true
set -x
"$build/ner" lm train --raw "$raw" --model "$out/open.lm" --overwrite --profile "$@"
"$build/ner" lm sample --model "$out/open.lm" --prefix 第一条 --length 100 --seed 1
