#!/usr/bin/env bash
# Regenerates docs/serve-page.png: ner serve's page in headless Chromium (with a CJK font) after tagging a sentence
# and asking for its 3 best paths, by the browser test itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh fonts-wqy-zenhei
bash scripts/build.sh build/release -- ner >/dev/null
/usr/bin/python3 tests/serve_browser_test.py build/release/ner models/msra.model --screenshot docs/serve-page.png
