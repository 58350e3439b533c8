#!/usr/bin/env bash
# The README's test command: installs what is missing, builds Release (with Open MPI: the data-parallel tests run
# under mpirun; with the Python module) and runs every test, then builds with AddressSanitizer +
# UndefinedBehaviorSanitizer, portable (-DNER_NATIVE=OFF: the bfloat16 kernels chosen at run time) and without MPI
# (a build without it passes every other test; the MPI tests say they skip) and runs every test again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== Release build and tests"
bash scripts/build.sh build/release
(cd build/release && ctest --output-on-failure -j "$(nproc)")

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build, portable, without MPI, and tests"
bash scripts/build.sh build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNER_SANITIZE=ON -DNER_NATIVE=OFF -DNER_MPI=OFF
(cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$(nproc)")
