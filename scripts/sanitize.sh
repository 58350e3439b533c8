#!/usr/bin/env bash
# The tests that exercise memory, built with AddressSanitizer + UndefinedBehaviorSanitizer (portable:
# -DNER_NATIVE=OFF, the bfloat16 kernels chosen at run time; without MPI; no Python module in such a build): nn/,
# data/ and the corpora, the model file, features, tagging, the language model, bad input through the binary,
# serving, and the fuzz corpora replayed. CI runs it after the README's test command, which runs the rest (the
# command line end to end, MPI, reports, scripts, browser, install) in the Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and the memory tests"
bash scripts/build.sh build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNER_SANITIZE=ON -DNER_NATIVE=OFF -DNER_MPI=OFF
(cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$(nproc)" \
  -E '^(CliApp|CliTrain|CliOutputs|CliLm|CliStats|CliMessages|Distributed|Reports|PretrainedVectors|script|serve_browser|install)\.?')
