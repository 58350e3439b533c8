#!/usr/bin/env bash
# Regenerates docs/training-report.png and docs/evaluation-report.png: trains the default model on Resume NER for
# 15 epochs with --test (its MODEL.report.html), evaluates it on Resume's test set with --report, and screenshots both pages
# in headless Chromium (with a CJK font). Corpora from $NER_DATA (default: shared/data beside the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NER_DATA:-../shared/data}
for f in "$data/resume/train.char.bmes" "$data/resume/dev.char.bmes" "$data/resume/test.char.bmes"; do
  [ -f "$f" ] || { echo "report_screenshots: $f not found (set NER_DATA)" >&2; exit 1; }
done
bash scripts/setup.sh fonts-wqy-zenhei
bash scripts/build.sh build/release -- ner >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set -x
build/release/ner train --train "$data/resume/train.char.bmes" --dev "$data/resume/dev.char.bmes" --model "$work/resume.model" \
  --test "$data/resume/test.char.bmes" \
  --epochs 15 --threads "$(nproc)" --seed 1 >/dev/null 2>&1
build/release/ner eval --model "$work/resume.model" "$data/resume/test.char.bmes" --report "$work/evaluation.html" >/dev/null
mkdir -p docs
for page in training:resume.model.report.html evaluation:evaluation.html; do
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" --window-size=1100,1500 \
    --screenshot="docs/${page%%:*}-report.png" "file://$work/${page#*:}" 2>/dev/null
done
