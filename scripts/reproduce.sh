#!/usr/bin/env bash
# Trains the current recipe on one corpus, scores the dev-selected model on test, and prints `test F1: X` last.
# Usage: scripts/reproduce.sh resume|msra [SEED]      (corpora from $NER_DATA, default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:?usage: scripts/reproduce.sh resume|msra [SEED]}
seed=${2:-1}
data=${NER_DATA:-../shared/data}
case "$dataset" in
  resume) files=("$data/resume/train.char.bmes" "$data/resume/dev.char.bmes" "$data/resume/test.char.bmes"); recipe=() ;;
  msra) files=("$data/msra/train.bio" "$data/msra/dev.bio" "$data/msra/test.bio"); recipe=(--batch 32 --epochs 12 --patience 4) ;;
  *) echo "reproduce: unknown dataset '$dataset' (resume or msra)" >&2; exit 2 ;;
esac
for f in "${files[@]}"; do [ -f "$f" ] || { echo "reproduce: $f not found (set NER_DATA)" >&2; exit 1; }; done
bash scripts/setup.sh
bash scripts/build.sh build/release -- ner >/dev/null
out=${OUT:-build/reproduce/$dataset-seed$seed}
mkdir -p "$out"
command=(build/release/ner train --train "${files[0]}" --dev "${files[1]}" --model "$out/model" --seed "$seed"
         --threads "$(nproc)" "${recipe[@]}")
echo "\$ ${command[*]}" >&2
"${command[@]}"
echo "\$ build/release/ner eval --model $out/model ${files[2]}" >&2
build/release/ner eval --model "$out/model" "${files[2]}" | tee "$out/test.txt"
echo "test F1: $(sed -n 's/.*FB1: *\([0-9.]*\)$/\1/p' "$out/test.txt" | head -1)"
