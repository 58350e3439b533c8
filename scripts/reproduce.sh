#!/usr/bin/env bash
# Trains one configuration of the recipe on one corpus, scores the dev-selected model on test, and prints
# `test F1: X` last.
# Usage: scripts/reproduce.sh resume|msra [SEED] [CONFIG]
#   (corpora from $NER_DATA, default: a shared/data folder beside the checkout)
#   CONFIG: char (characters only), bigram (+ character bigrams), lexicon (+ bigrams + jieba lexicon with its parts
#   of speech + weight averaging; the default)
# The options are the same for every corpus; only the epoch budget differs (MSRA is 16 times larger).
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:?usage: scripts/reproduce.sh resume|msra [SEED] [char|bigram|lexicon]}
seed=${2:-1}
config=${3:-lexicon}
data=${NER_DATA:-../shared/data}
dictionary=/usr/lib/python3/dist-packages/jieba/dict.txt
case "$dataset" in
  resume) files=("$data/resume/train.char.bmes" "$data/resume/dev.char.bmes" "$data/resume/test.char.bmes")
          budget=(--epochs 50 --patience 10) ;;
  msra) files=("$data/msra/train.bio" "$data/msra/dev.bio" "$data/msra/test.bio")
        budget=(--epochs 15 --patience 4) ;;
  *) echo "reproduce: unknown dataset '$dataset' (resume or msra)" >&2; exit 2 ;;
esac
case "$config" in
  char) features=() ;;
  bigram) features=(--bigram-dim 50 --unk-rate 0.2) ;;
  lexicon) features=(--bigram-dim 50 --lexicon "$dictionary" --lexicon-pos --unk-rate 0.2 --average 0.999) ;;
  *) echo "reproduce: unknown configuration '$config' (char, bigram or lexicon)" >&2; exit 2 ;;
esac
for f in "${files[@]}"; do [ -f "$f" ] || { echo "reproduce: $f not found (set NER_DATA)" >&2; exit 1; }; done
bash scripts/setup.sh
bash scripts/build.sh build/release -- ner >/dev/null
out=${OUT:-build/reproduce/$dataset-$config-seed$seed}
mkdir -p "$out"
command=(build/release/ner train --train "${files[0]}" --dev "${files[1]}" --model "$out/model" --seed "$seed"
         --threads "$(nproc)" "${budget[@]}" "${features[@]}")
echo "\$ ${command[*]}" >&2
start=$(date +%s)
"${command[@]}"
echo "training seconds: $(( $(date +%s) - start ))" >&2
echo "\$ build/release/ner eval --model $out/model ${files[2]}" >&2
build/release/ner eval --model "$out/model" "${files[2]}" | tee "$out/test.txt"
echo "test F1: $(sed -n 's/.*FB1: *\([0-9.]*\)$/\1/p' "$out/test.txt" | head -1)"
