#!/usr/bin/env bash
# Configures and builds one configuration: scripts/build.sh DIR [CMAKE ARGS...] [-- TARGETS...]
# Release (-O3, host instruction set) unless the arguments say otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
cmake_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
