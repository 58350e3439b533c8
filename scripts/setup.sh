#!/usr/bin/env bash
# Installs the Debian packages the project needs, and any named as arguments (scripts/fuzz.sh adds clang);
# installs nothing that is already there. Works as root, uses sudo otherwise.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libeigen3-dev libicu-dev libutf8proc-dev libgtest-dev libcli11-dev nlohmann-json3-dev libdeflate-dev
  time         # /usr/bin/time -v: peak memory in scripts/bench.sh
  python3-jieba  # jieba/dict.txt: the word dictionary for --lexicon; jieba segments raw text in scripts/vectors.sh
  fasttext      # skip-gram vectors in scripts/vectors.sh
  libopencc-dev libopencc-data  # traditional-to-simplified character tables (OpenCC t2s)
  chromium      # the test that renders the HTML reports headless
  fonts-wqy-zenhei  # a CJK font, so that headless Chromium shows the reports' and the serve page's Chinese
  openmpi-bin libopenmpi-dev  # data-parallel training under mpirun (optional at build time)
  libcpp-httplib-dev  # ner serve's HTTP server
  chromium-driver python3-selenium  # the test that drives ner serve's page in a headless browser
  wrk           # scripts/load_test.sh: ner serve under load
  pybind11-dev python3-dev  # the Python module (import ner)
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
