#!/usr/bin/env bash
# Speed of the benchmark model (100-dim character embeddings, one bidirectional LSTM layer of 128 units per
# direction, CRF) on Resume NER: training characters/s with 1 and 2 threads (batch 32) and the CPU time per part of
# the network, tagging characters/s (batch 64 with 1 and 2 threads, one sentence at a time) and peak memory, in the
# default precision (bfloat16 products by the fastest kernel the CPU has) and in float. The same model in the
# PyTorch reference, run here beside it when $NER_BASELINES (default: a shared/baselines folder beside the checkout)
# holds it. The shipped model (models/msra.model, bigram and lexicon features): tagging the MSRA test text on 1 and
# 2 threads and one sentence at a time, in each bfloat16 kernel the CPU has and in float; the time and memory of
# `ner tag` on one line; where tagging's CPU time goes (`ner tag --profile`); tagging with a 100,000-entry
# --dictionary. And `ner lm train` characters/s with 1 and 2 threads on the first 2,000 lines of raw/open.txt (when
# it is there). Prints the hardware, every command, and a Markdown table for the README.
# Usage: scripts/bench.sh [REPEATS]   (each figure is the median of REPEATS runs, default 3; corpora from $NER_DATA)
set -euo pipefail
export LC_ALL=C.UTF-8  # wc -m counts characters, not bytes
cd "$(dirname "$0")/.."
repeats=${1:-3}
data=${NER_DATA:-../shared/data}
for f in "$data/resume/train.char.bmes" "$data/resume/dev.char.bmes" "$data/resume/test.char.bmes"; do
  [ -f "$f" ] || { echo "bench: $f not found: the benchmark needs the Resume NER corpus (set NER_DATA)" >&2; exit 1; }
done
baselines=${NER_BASELINES:-../shared/baselines}
if [ -f "$baselines/torch_bilstm_crf.py" ]; then bash scripts/setup.sh python3-torch; fi
source scripts/use_build.sh
use_build ner
ner=$build/ner
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{v[NR] = $1} END {printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Runs a command under /usr/bin/time -v; prints "SECONDS PEAK_KB".
timed() {
  /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" "$work/time" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]}
              /Maximum resident set size/ {kb = $2} END {print s, kb}' "$work/time"
}

# Runs a command REPEATS times; prints "CHARS_PER_SECOND PEAK_KB", the medians, for an input of CHARS characters.
rate_and_peak() {
  local chars=$1 seconds kb r rates=() rss=()
  shift
  for ((r = 0; r < repeats; ++r)); do
    read -r seconds kb < <(timed "$@")
    rates+=("$(awk -v c="$chars" -v s="$seconds" 'BEGIN {printf "%.0f", c / s}')")
    rss+=("$kb")
  done
  echo "$(printf '%s\n' "${rates[@]}" | median) $(printf '%s\n' "${rss[@]}" | median)"
}

echo "hardware: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
     "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(uname -sr); $(g++ --version | head -1)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo

# Training: epochs 2 and 3 of each run (epoch 1 also sizes every buffer), median over runs.
declare -A train_rate train_rss
for threads in 1 2; do
  command=("$ner" train --train "$data/resume/train.char.bmes" --dev "$data/resume/dev.char.bmes" --model "$work/m$threads.model"
           --features char --batch 32 --epochs 3 --patience 0 --seed 1 --threads "$threads" --overwrite)
  echo "\$ ${command[*]}"
  rates=() rss=()
  for ((r = 0; r < repeats; ++r)); do
    read -r _ kb < <(timed "${command[@]}")
    rss+=("$kb")
    rates+=($(awk '/^epoch [23]\// {print $5}' "$work/stderr"))
  done
  train_rate[$threads]=$(printf '%s\n' "${rates[@]}" | median)
  train_rss[$threads]=$(printf '%s\n' "${rss[@]}" | median)
  echo "  training, $threads thread(s): ${train_rate[$threads]} chars/s (median of $((2 * repeats)) epochs), peak RSS $((train_rss[$threads] / 1024)) MB"
  echo "\$ ${command[*]} --profile"
  "${command[@]}" --profile 2>"$work/stderr" >/dev/null
  echo "  CPU seconds per part, epoch 3:$(grep 'profile' "$work/stderr" | tail -1 | sed 's/.*all threads)://')"
done
echo "  2 threads / 1 thread: $(awk -v a="${train_rate[2]}" -v b="${train_rate[1]}" 'BEGIN {printf "%.2f", a / b}')"
# The best recipe's network (ner train's defaults: bigrams and the lexicon; the recipe's pretrained vectors only
# initialise its embedding tables, which keep the training text's keys), 2 threads.
command=("$ner" train --train "$data/resume/train.char.bmes" --dev "$data/resume/dev.char.bmes" --model "$work/recipe.model"
         --epochs 3 --patience 0 --seed 1 --threads 2 --overwrite)
echo "\$ ${command[*]}"
rates=()
for ((r = 0; r < repeats; ++r)); do
  timed "${command[@]}" >/dev/null
  rates+=($(awk '/^epoch [23]\// {print $5}' "$work/stderr"))
done
recipe_rate=$(printf '%s\n' "${rates[@]}" | median)
echo "  training the best recipe's network, 2 threads: $recipe_rate chars/s"
echo

# Tagging: the Resume test sentences as raw text, 40 times over, with the model just trained (1 thread).
model=$work/m1.model
awk 'NF {printf "%s", $1; next} {print ""}' "$data/resume/test.char.bmes" >"$work/once.txt"
for ((i = 0; i < 40; ++i)); do cat "$work/once.txt"; done >"$work/input.txt"
chars=$(tr -d '\n' <"$work/input.txt" | wc -m)
model_kb=$(( $(stat -c %s "$model") / 1024 ))
echo "tagging input: $(wc -l <"$work/input.txt") lines, $chars characters; model $model_kb KB"
"$ner" tag --model "$model" --verbose "$work/once.txt" -o "$work/out.jsonl" 2>&1 | grep -i 'recurrent layers' | sed 's/^/default precision: /'
declare -A tag_rate tag_rss
for config in "64 1 bfloat16" "64 2 bfloat16" "1 1 bfloat16" "64 1 float" "64 2 float" "1 1 float"; do
  read -r batch threads precision <<<"$config"
  command=("$ner" tag --model "$model" --batch "$batch" --threads "$threads" --precision "$precision" "$work/input.txt"
           -o "$work/out.jsonl")
  echo "\$ ${command[*]}"
  read -r "tag_rate[$config]" "tag_rss[$config]" < <(rate_and_peak "$chars" "${command[@]}")
  echo "  tagging, batch $batch, $threads thread(s), $precision: ${tag_rate[$config]} chars/s (whole process)," \
       "peak RSS $((tag_rss[$config] / 1024)) MB"
done
echo

# The PyTorch reference on the same corpus and model, with the set-up its README gives as its fastest (Debian's
# pthread OpenBLAS unpacked privately, one thread), when it is there.
torch_train=– torch_tag_sorted=– torch_tag_order=– torch_tag_one=– torch_rss=–
if [ -f "$baselines/torch_bilstm_crf.py" ]; then
  mkdir -p "$work/openblas/deb"
  blas_path=()
  if (cd "$work/openblas/deb" && apt-get download libopenblas0-pthread >/dev/null 2>&1); then
    dpkg-deb -x "$work/openblas/deb"/libopenblas0-pthread_*.deb "$work/openblas/root"
    blas_path=(LD_LIBRARY_PATH="$work/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread")
  else
    echo "PyTorch reference: could not download libopenblas0-pthread; it runs with the BLAS it finds"
  fi
  command=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 "${blas_path[@]}" /usr/bin/python3
           "$baselines/torch_bilstm_crf.py" --train "$data/resume/train.char.bmes" --dev "$data/resume/dev.char.bmes"
           --test "$data/resume/test.char.bmes" --epochs 1 --batch 32 --emb 100 --hidden 128 --layers 1 --threads 1
           --infer-repeats 3 --out "$work/torch")
  echo "\$ ${command[*]}"
  "${command[@]}" >"$work/torch.log" 2>&1 || { tail -20 "$work/torch.log" >&2; exit 1; }
  read -r torch_train torch_tag_order torch_tag_sorted torch_tag_one torch_rss < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
rate = {(r["batch"], r["sorted_by_len"]): r["chars_per_s"] for r in s["inference"]}
print(round(s["mean_train_chars_per_s"]), round(rate[(64, False)]), round(rate[(64, True)]), round(rate[(1, False)]),
      round(s["peak_rss_mb"]))' "$work/torch/summary.json")
  echo "  PyTorch training, 1 thread: $torch_train chars/s; tagging, batch 64: $torch_tag_order chars/s (file order)," \
       "$torch_tag_sorted (sorted by length); one sentence at a time: $torch_tag_one; peak RSS $torch_rss MB"
else
  echo "PyTorch reference: skipped ($baselines/torch_bilstm_crf.py not found; set NER_BASELINES)"
fi
echo

# The shipped model: the MSRA test sentences as raw text, 3 times over (the Resume input above without MSRA).
shipped=models/msra.model
if [ -f "$data/msra/test.bio" ]; then
  awk 'NF {printf "%s", $1; next} {print ""}' "$data/msra/test.bio" >"$work/msra-once.txt"
  for ((i = 0; i < 3; ++i)); do cat "$work/msra-once.txt"; done >"$work/shipped.txt"
else
  cp "$work/input.txt" "$work/shipped.txt"
fi
shipped_chars=$(tr -d '\n' <"$work/shipped.txt" | wc -m)
echo "shipped model: $shipped ($(( $(stat -c %s "$shipped") / 1024 )) KB); input $(wc -l <"$work/shipped.txt") lines, $shipped_chars characters"
head -n 1 examples/sample.txt >"$work/line.txt"
precisions=(bfloat16)
for kernel in bfloat16-amx bfloat16-avx512; do
  if "$ner" tag --precision "$kernel" "$work/line.txt" >/dev/null 2>"$work/stderr"; then precisions+=("$kernel")
  else echo "  $kernel: $(cat "$work/stderr")"; fi
done
precisions+=(float)
declare -A shipped_rate
for precision in "${precisions[@]}"; do
  for config in "32 2" "32 1" "1 1"; do
    read -r batch threads <<<"$config"
    command=("$ner" tag --model "$shipped" --batch "$batch" --threads "$threads" --precision "$precision" "$work/shipped.txt"
             -o "$work/out.jsonl")
    echo "\$ ${command[*]}"
    read -r "shipped_rate[$config $precision]" _ < <(rate_and_peak "$shipped_chars" "${command[@]}")
    echo "  shipped model, batch $batch, $threads thread(s), $precision: ${shipped_rate[$config $precision]} chars/s (whole process)"
  done
done
command=("$ner" tag --model "$shipped" "$work/line.txt" -o "$work/out.jsonl")
echo "\$ ${command[*]}"
seconds_list=() rss=()
for ((r = 0; r < repeats; ++r)); do
  read -r seconds kb < <(timed "${command[@]}")
  seconds_list+=("$(awk -v s="$seconds" 'BEGIN {printf "%.0f", 1000 * s}')")
  rss+=("$kb")
done
one_line_ms=$(printf '%s\n' "${seconds_list[@]}" | median)
one_line_rss=$(printf '%s\n' "${rss[@]}" | median)
echo "  one line: $one_line_ms ms, peak RSS $((one_line_rss / 1024)) MB"
command=("$ner" tag --model "$shipped" --profile "$work/shipped.txt" -o "$work/out.jsonl")
echo "\$ ${command[*]}"
"${command[@]}" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
shipped_profile=$(grep 'profile' "$work/stderr" | sed 's/.*all threads)://')
echo "  CPU seconds per part:$shipped_profile"
# A user dictionary of 100,000 entries (--dictionary): substrings of 2 to 6 characters of the input itself, so
# that they occur everywhere (the most matching work), fewer if the input lacks them; tagging the input on 2
# threads, and one line.
python3 - "$work/shipped.txt" "$work/dictionary.tsv" <<'PY'
import random, sys
text = open(sys.argv[1], encoding="utf-8").read().replace("\n", "")
rng, entries = random.Random(1), {}
for _ in range(1000000):  # a short input has fewer distinct substrings
    if len(entries) == 100000:
        break
    start = rng.randrange(len(text) - 6)
    entries.setdefault(text[start:start + rng.randint(2, 6)], rng.choice(["PER", "LOC", "ORG"]))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.writelines(f"{surface}\t{type}\n" for surface, type in entries.items() if "\t" not in surface and surface.strip())
PY
command=("$ner" tag --model "$shipped" --threads 2 --dictionary "$work/dictionary.tsv" "$work/shipped.txt" -o "$work/out.jsonl")
echo "\$ ${command[*]}"
read -r dictionary_rate dictionary_rss < <(rate_and_peak "$shipped_chars" "${command[@]}")
echo "  shipped model with $(wc -l <"$work/dictionary.tsv") dictionary entries, 2 threads: $dictionary_rate chars/s, peak RSS $((dictionary_rss / 1024)) MB"
command=("$ner" tag --model "$shipped" --dictionary "$work/dictionary.tsv" "$work/line.txt" -o "$work/out.jsonl")
echo "\$ ${command[*]}"
seconds_list=()
for ((r = 0; r < repeats; ++r)); do
  read -r seconds _ < <(timed "${command[@]}")
  seconds_list+=("$(awk -v s="$seconds" 'BEGIN {printf "%.0f", 1000 * s}')")
done
dictionary_line_ms=$(printf '%s\n' "${seconds_list[@]}" | median)
echo "  one line with the dictionary: $dictionary_line_ms ms"
echo

# Language-model training: the default forward and backward models on the first 2,000 lines of the open raw text,
# epoch 2 of 2, median over runs.
declare -A lm_rate=([1]=– [2]=–)
raw=$data/raw/open.txt
if [ -f "$raw" ]; then
  head -n 2000 "$raw" >"$work/raw.txt"
  echo "language-model training input: $(wc -l <"$work/raw.txt") lines, $(wc -m <"$work/raw.txt") characters of $raw"
  for threads in 1 2; do
    command=("$ner" lm train --raw "$work/raw.txt" --model "$work/lm$threads.lm" --epochs 2 --seed 1 --threads "$threads" --overwrite)
    echo "\$ ${command[*]}"
    rates=()
    for ((r = 0; r < repeats; ++r)); do
      timed "${command[@]}" >/dev/null
      rates+=($(awk '/^epoch 2\/2/ {for (i = 2; i <= NF; ++i) if ($i == "chars/s") print $(i - 1)}' "$work/stderr"))
    done
    lm_rate[$threads]=$(printf '%s\n' "${rates[@]}" | median)
    echo "  language-model training, $threads thread(s): ${lm_rate[$threads]} chars/s"
  done
else
  echo "language-model training: skipped ($raw not found; set NER_DATA)"
fi
echo

mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}'; }
echo "| figure (Resume NER, char BiLSTM-CRF, E=100, H=128) | this toolkit | PyTorch 1.13 + OpenBLAS, 1 thread (same run) |"
echo "|---|---|---|"
echo "| training, 1 / 2 threads, batch 32 | ${train_rate[1]} / ${train_rate[2]} chars/s | $torch_train chars/s |"
echo "| tagging, batch 64, 1 thread (default / --precision float) | ${tag_rate[64 1 bfloat16]} / ${tag_rate[64 1 float]} chars/s | $torch_tag_sorted (sorted by length) / $torch_tag_order (file order) |"
echo "| tagging, batch 64, 2 threads (default / float) | ${tag_rate[64 2 bfloat16]} / ${tag_rate[64 2 float]} chars/s | – |"
echo "| tagging, one sentence at a time, 1 thread (default / float) | ${tag_rate[1 1 bfloat16]} / ${tag_rate[1 1 float]} chars/s | $torch_tag_one |"
echo "| peak memory, tagging (batch 64, 1 / 2 threads, default; model $model_kb KB) | $(mb "${tag_rss[64 1 bfloat16]}") / $(mb "${tag_rss[64 2 bfloat16]}") | $torch_rss MB (training and tagging) |"
echo "| peak memory, training (1 / 2 threads) | $(mb "${train_rss[1]}") / $(mb "${train_rss[2]}") | |"
echo "| training the best recipe's network (bigrams, lexicon), 2 threads | $recipe_rate chars/s | – |"
echo "| shipped model, tagging, 2 / 1 threads (default) | ${shipped_rate[32 2 bfloat16]} / ${shipped_rate[32 1 bfloat16]} chars/s | – |"
echo "| shipped model, tagging, 2 / 1 threads (--precision float) | ${shipped_rate[32 2 float]} / ${shipped_rate[32 1 float]} chars/s | – |"
echo "| shipped model, one sentence at a time, 1 thread (default / float) | ${shipped_rate[1 1 bfloat16]} / ${shipped_rate[1 1 float]} chars/s | – |"
echo "| shipped model, \`ner tag\` of one line | $one_line_ms ms, peak RSS $(mb "$one_line_rss") | – |"
echo "| shipped model with \`--dictionary\` of $(wc -l <"$work/dictionary.tsv") entries (substrings of the input), 2 threads / one line | $dictionary_rate chars/s, peak RSS $(mb "$dictionary_rss") / $dictionary_line_ms ms | – |"
echo "| language-model training (\`ner lm train\`, forward + backward), 1 / 2 threads | ${lm_rate[1]} / ${lm_rate[2]} chars/s | – |"
