#!/usr/bin/env bash
# The README's main command: installs what is missing, builds `ner` and runs it on the sample shipped in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build/release -- ner >/dev/null
echo "\$ ner stats examples/sample.bio" >&2
build/release/ner stats examples/sample.bio
