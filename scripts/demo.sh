#!/usr/bin/env bash
# The README's main command: installs what is missing, builds `ner`, and tags the sample text in examples/ with the
# model shipped in models/ (trained on MSRA NER: PER, LOC, ORG).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build/release -- ner >/dev/null
echo "\$ ner tag examples/sample.txt --format inline" >&2
build/release/ner tag examples/sample.txt --format inline
echo "\$ ner tag examples/sample.txt   (JSON lines, code-point offsets)" >&2
build/release/ner tag examples/sample.txt
