#!/usr/bin/env bash
# One-sentence inputs from Python against the command line: calls per second of Tagger.tag (one sentence per call,
# the model loaded once), texts per second of Tagger.tag_many (1,000 one-sentence texts per call), and calls per
# second of `ner tag` started once per sentence (each start loads the model). The shipped model, its defaults.
# Usage: scripts/bench_python.sh [CALLS]   (Tagger.tag calls, default 5,000; the tag_many rounds and command-line
#   starts scale with it: 10 and 50 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-5000}
source scripts/use_build.sh
use_build ner ner_python
sentence=李克强在北京会见了联合国秘书长潘基文。
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "input: one sentence of ${#sentence} characters, $sentence"

PYTHONPATH=$build/python /usr/bin/python3 - "$sentence" "$calls" <<'EOF'
import sys, time
import ner
sentence = sys.argv[1]
tagger = ner.Tagger()
print(f"Python: ner.Tagger() ({tagger.arithmetic}, {tagger.threads} threads)")
for _ in range(200):
    tagger.tag(sentence)
calls, start = int(sys.argv[2]), time.perf_counter()
for _ in range(calls):
    tagger.tag(sentence)
seconds = time.perf_counter() - start
print(f"  tagger.tag(sentence) x {calls}: {calls / seconds:,.0f} calls/s, {1e3 * seconds / calls:.3f} ms per call")
texts = [sentence] * 1000
rounds, start = max(1, calls // 500), time.perf_counter()
for _ in range(rounds):
    tagger.tag_many(texts)
seconds = time.perf_counter() - start
print(f"  tagger.tag_many(1,000 sentences) x {rounds}: {rounds * len(texts) / seconds:,.0f} texts/s")
EOF

calls=$(( calls / 100 > 0 ? calls / 100 : 1 ))
start=$(date +%s.%N)
for ((i = 0; i < calls; ++i)); do echo "$sentence" | "$build/ner" tag >/dev/null; done
end=$(date +%s.%N)
awk -v n=$calls -v s="$start" -v e="$end" -v ner="$build/ner" 'BEGIN {
  printf "command line: echo SENTENCE | %s tag, started %d times: %.1f calls/s, %.1f ms per call\n", ner, n, n / (e - s), 1000 * (e - s) / n }'
