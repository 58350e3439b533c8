#!/usr/bin/env bash
# The README's test command: installs what is missing, builds Release (with Open MPI: the data-parallel tests run
# under mpirun; with the Python module) and runs every test: unit tests, the command line end to end, the Python
# module, the install, the browser pages, and each script the README names on tiny inputs.
# CI adds scripts/sanitize.sh (AddressSanitizer + UndefinedBehaviorSanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== Release build and tests"
bash scripts/build.sh build/release
(cd build/release && ctest --output-on-failure -j "$(nproc)")
