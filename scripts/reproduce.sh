#!/usr/bin/env bash
# Trains one configuration on one corpus, scores the dev-selected model on test, and prints `test F1: X` last.
# Usage: scripts/reproduce.sh resume|msra|resume-1k|msra-1k [SEED] [CONFIG]
#   (corpora from $NER_DATA, default: a shared/data folder beside the checkout; resume-1k and msra-1k train on the
#   first 1,000 sentences of the corpus's train file, with its dev and test)
#   CONFIG: best (when none is given: the best recipe found on dev, today `vectors`), default (`ner train` without
#   feature options: bigrams, the jieba dictionary with its parts of speech, word dropout, weight averaging), char
#   (`--features char`), bigram (`--features bigram`), vectors (default plus character, bigram and word vectors
#   pretrained on raw/open.txt by scripts/vectors.sh: VECTORS=DIR, default build/vectors, made there first if it lacks
#   them, about half an hour), lm-weight (default plus --lm-weight 0.1), lm (default plus the states of the character
#   language model LM=FILE, default build/lm/open.lm, as scripts/train_lm.sh writes it; made there first if missing,
#   about half an hour an epoch)
# Every run uses ner train's defaults otherwise, the epoch budget included (it follows the corpus's size).
# INIT=MODEL starts from that trained model (`ner train --init MODEL`; CONFIG must then be default).
# TRAIN_EPOCHS=N trains N epochs instead (for a quick check).
# PROCESSES=N trains data-parallel under `mpirun -np N` (the cores shared between them; output folder ...-npN).
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:?usage: scripts/reproduce.sh resume|msra|resume-1k|msra-1k [SEED] [best|default|char|bigram|vectors|lm-weight|lm]}
seed=${2:-1}
config=${3:-best}
# best: the vectors recipe; from INIT, whose model keeps its features, the default one
[ "$config" = best ] && { [ -n "${INIT:-}" ] && config=default || config=vectors; }
data=${NER_DATA:-../shared/data}
processes=${PROCESSES:-1}
suffix=
if [ "$processes" -gt 1 ]; then suffix=-np$processes; fi
out=${OUT:-build/reproduce/$dataset-$config-seed$seed$suffix}
mkdir -p "$out"
case "$dataset" in
  resume|resume-1k) files=("$data/resume/train.char.bmes" "$data/resume/dev.char.bmes" "$data/resume/test.char.bmes") ;;
  msra|msra-1k) files=("$data/msra/train.bio" "$data/msra/dev.bio" "$data/msra/test.bio") ;;
  *) echo "reproduce: unknown dataset '$dataset' (resume, msra, resume-1k or msra-1k)" >&2; exit 2 ;;
esac
case "$config" in
  default) features=() ;;
  char|bigram) features=(--features "$config") ;;
  lm-weight) features=(--lm-weight 0.1) ;;
  lm) lm=${LM:-build/lm/open.lm}
      [ -f "$lm" ] || OUT=$(dirname "$lm") bash scripts/train_lm.sh 0 --epochs 1 >&2
      features=(--lm "$lm") ;;
  vectors) vectors=${VECTORS:-build/vectors}
           [ -f "$vectors/words.vec" ] || bash scripts/vectors.sh "$data/raw/open.txt" "$vectors" >&2
           features=(--char-vectors "$vectors/chars.vec" --bigram-vectors "$vectors/bigrams.vec"
                     --word-vectors "$vectors/words.vec") ;;
  *) echo "reproduce: unknown configuration '$config' (best, default, char, bigram, vectors, lm-weight or lm)" >&2; exit 2 ;;
esac
case "${INIT:-}" in
  "") ;;
  *) [ "$config" = default ] || { echo "reproduce: INIT needs the default configuration" >&2; exit 2; }
     features=(--init "$INIT") ;;
esac
for f in "${files[@]}"; do [ -f "$f" ] || { echo "reproduce: $f not found (set NER_DATA)" >&2; exit 1; }; done
if [[ $dataset == *-1k ]]; then  # the first 1,000 sentences (blank-line separated)
  awk 'BEGIN {RS = ""; ORS = "\n\n"} NR <= 1000' "${files[0]}" >"$out/train-1k"
  files[0]=$out/train-1k
fi
source scripts/use_build.sh
use_build ner
launcher=()
if [ "$processes" -gt 1 ]; then launcher=(mpirun --oversubscribe -np "$processes"); fi
command=("${launcher[@]}" "$build/ner" train --train "${files[0]}" --dev "${files[1]}" --model "$out/model" --seed "$seed"
         --threads "$(( $(nproc) / processes > 0 ? $(nproc) / processes : 1 ))" --overwrite ${TRAIN_EPOCHS:+--epochs "$TRAIN_EPOCHS"} "${features[@]}")
echo "\$ ${command[*]}" >&2
start=$(date +%s)
"${command[@]}"
echo "training seconds: $(( $(date +%s) - start ))" >&2
echo "\$ $build/ner eval --model $out/model ${files[2]}" >&2
"$build/ner" eval --model "$out/model" "${files[2]}" | tee "$out/test.txt"
echo "test F1: $(sed -n 's/.*FB1: *\([0-9.]*\)$/\1/p' "$out/test.txt" | head -1)"
