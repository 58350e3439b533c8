#!/usr/bin/env bash
# The README's main command: installs what is missing, builds `ner` and the Python module, and tags the sample text
# in examples/ with the model shipped in models/ (trained on MSRA NER: PER, LOC, ORG), then a line from Python.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use_build.sh
use_build ner ner_python
echo "\$ ner tag examples/sample.txt --format inline" >&2
"$build/ner" tag examples/sample.txt --format inline
echo "\$ ner tag examples/sample.txt   (JSON lines, code-point offsets)" >&2
"$build/ner" tag examples/sample.txt
line=$(head -n 1 examples/sample.txt)
echo "\$ PYTHONPATH=$build/python python3 -c 'import ner; print(ner.Tagger().tag(\"$line\"))'" >&2
PYTHONPATH=$build/python /usr/bin/python3 -c 'import ner, sys; print(ner.Tagger().tag(sys.argv[1]))' "$line"
