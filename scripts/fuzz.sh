#!/usr/bin/env bash
# Runs each libFuzzer target (clang, AddressSanitizer + UndefinedBehaviorSanitizer) for SECONDS from its seed corpus
# in tests/fuzz/corpus/TARGET, and prints what each did. New interesting inputs go to build/fuzz/corpus/TARGET;
# a crash, leak, timeout or out-of-memory input goes to build/fuzz/findings/ and the script exits 1. Keep every
# finding as a regression input: copy it into tests/fuzz/corpus/TARGET (the test command replays those folders).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]      (default 600 seconds; targets utf8_tokenizer conll jsonl model)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(utf8_tokenizer conll jsonl model)
bash scripts/setup.sh clang
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
bash scripts/build.sh build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNER_FUZZ=ON \
  -DNER_TESTS=OFF -DNER_NATIVE=OFF -- "${build_targets[@]}" >/dev/null
mkdir -p build/fuzz/findings
echo "clang: $(clang++ --version | head -1); $(nproc) cores; $seconds s per target"
status=0
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/corpus/$t"
  command=(build/fuzz/fuzz_$t -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
           -artifact_prefix="build/fuzz/findings/$t-" "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t")
  echo "\$ ${command[*]}"
  if "${command[@]}" > "build/fuzz/$t.log" 2>&1; then
    echo "$t: no finding; $(grep -o 'stat::number_of_executed_units: *[0-9]*' "build/fuzz/$t.log" | grep -o '[0-9]*$') inputs run, " \
         "$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "build/fuzz/$t.log" | grep -o '[0-9]*$') per second, " \
         "$(grep -o 'cov: [0-9]*' "build/fuzz/$t.log" | tail -1), corpus $(ls "build/fuzz/corpus/$t" | wc -l) inputs"
  else
    status=1
    echo "$t: FINDING (log build/fuzz/$t.log):"
    grep -E 'ERROR|SUMMARY|Test unit written' "build/fuzz/$t.log" | head -5
  fi
done
exit $status
