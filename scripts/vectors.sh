#!/usr/bin/env bash
# Pretrained character, bigram and word vectors for `ner train --char-vectors / --bigram-vectors / --word-vectors`:
# fastText skip-gram (Debian's fasttext) on raw text, one paragraph per line, in word2vec text form.
# Usage: scripts/vectors.sh [RAW] [OUT]
#   RAW: default $NER_DATA/raw/open.txt (NER_DATA default: a shared/data folder beside the checkout)
#   OUT: default build/vectors; writes OUT/chars.vec (100 dimensions, ner train's --char-dim), OUT/bigrams.vec (50,
#   --bigram-dim) and OUT/words.vec (50, --lexicon-dim), each listing the most frequent keys first.
#   MIN_COUNT (default 3): keys seen fewer times get no vector; EPOCHS (default 5).
# The text is read as ner reads it: NFKC, whitespace dropped; bigrams are ner's keys ("<s>" before a line's first
# character, "</s>" after its last); words are jieba's segmentation (with its dictionary, the one --lexicon uses by
# default). On 2 cores and the 25 M characters of open.txt this takes about half an hour.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/.." && pwd)
data=${NER_DATA:-$checkout/../shared/data}
raw=${1:-$data/raw/open.txt}
[ "$raw" = - ] && raw=/dev/stdin
out=${2:-$checkout/build/vectors}
min_count=${MIN_COUNT:-3}
epochs=${EPOCHS:-5}
[ -r "$raw" ] && [ ! -d "$raw" ] || { echo "vectors: $raw not found or not readable (give RAW or set NER_DATA)" >&2; exit 1; }
bash "$checkout/scripts/setup.sh" </dev/null
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -m1 'model name' /proc/cpuinfo || true

# The three token streams, one line of raw text per line, tokens separated by spaces. Debian's python3, whose
# jieba setup.sh installs.
prepare=$(cat <<'EOF'
import sys, unicodedata
import jieba
jieba.setLogLevel(60)
raw, work = sys.argv[1], sys.argv[2]
with open(raw, encoding="utf-8") as text, open(work + "/chars", "w", encoding="utf-8") as chars, \
     open(work + "/bigrams", "w", encoding="utf-8") as bigrams, open(work + "/words", "w", encoding="utf-8") as words:
    for number, line in enumerate(text, 1):
        line = "".join(unicodedata.normalize("NFKC", line).split())
        if not line:
            continue
        chars.write(" ".join(line) + "\n")
        keys = ["<s>"] + list(line) + ["</s>"]
        bigrams.write(" ".join(a + b for a, b in zip(keys, keys[1:])) + "\n")
        words.write(" ".join(jieba.cut(line)) + "\n")
        if number % 100000 == 0:
            print(f"vectors: {number} lines read", file=sys.stderr)
EOF
)
/usr/bin/python3 -c "$prepare" "$raw" "$work"

[ -s "$work/chars" ] || { echo "vectors: $raw holds no text" >&2; exit 1; }

# Skip-gram without subword n-grams (a character has none; ner looks up whole keys).
for stream in chars:100 bigrams:50 words:50; do
  name=${stream%:*} dim=${stream#*:}
  echo "vectors: $name, $dim dimensions" >&2
  fasttext skipgram -input "$work/$name" -output "$work/$name" -dim "$dim" -minCount "$min_count" -epoch "$epochs" \
    -minn 0 -maxn 0 -thread "$(nproc)" -verbose 1
  mv "$work/$name.vec" "$out/$name.vec.tmp" && mv "$out/$name.vec.tmp" "$out/$name.vec"
  echo "vectors: $out/$name.vec ($(head -1 "$out/$name.vec" | cut -d' ' -f1) keys)" >&2
done
