#!/usr/bin/env bash
# Data-parallel training speed: one epoch of `ner train` (the default recipe) on Resume NER under mpirun with N = 1, 2
# and 4 processes (4 oversubscribes a 2-core machine), one thread each. Prints characters per second for each N, the
# bytes each process sends per step, and the speed predicted for a cluster of one-core nodes from this machine's
# one-process step time and that volume (a ring all-reduce sends 2(N-1)/N of the buffer per process) at 1 and 10 Gbit/s.
# Usage: scripts/bench_mpi.sh   (NER_DATA: the corpora, default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NER_DATA:-../shared/data}
train="$data/resume/train.char.bmes" dev="$data/resume/dev.char.bmes"
[ -f "$train" ] || { echo "bench_mpi: $train not found (set NER_DATA)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "bench_mpi: mpirun not found (bash scripts/setup.sh installs openmpi-bin)" >&2; exit 1; }
source scripts/use_build.sh
use_build ner
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; Open MPI $(mpirun --version | head -1 | awk '{print $NF}')"
for n in 1 2 4; do
  cmd=(mpirun -q -np "$n" "$build/ner" train --train "$train" --dev "$dev" --model "$out/m$n" --epochs 1 --threads 1 --overwrite)
  echo "\$ ${cmd[*]}"
  "${cmd[@]}" 2>"$out/log$n" || { cat "$out/log$n" >&2; exit 1; }
  python3 - "$n" "$out/m$n.metrics.jsonl" "$out/log$n" <<'EOF'
import json, re, sys
n, metrics, log = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read()
record = json.loads(open(metrics).readline())
line = f"N = {n}: {record['train_chars_per_s']:,.0f} chars/s"
sent = re.search(r"(\d+) gradient sums, (\d+) bytes sent per step and process \((\d+) with whole", log)
if sent:
    line += f"; {int(sent[2]):,} bytes sent per step and process ({int(sent[3]):,} with whole embedding tables), {sent[1]} steps"
print(line)
EOF
done | tee "$out/figures"
python3 - "$out/figures" "$(grep -o 'train: [0-9]* sentences, [0-9]* characters' "$out/log1" | awk '{print $4}')" <<'EOF'
import re, sys
text, chars = open(sys.argv[1]).read(), int(sys.argv[2])
alone = float(re.search(r"N = 1: ([\d,]+) chars/s", text)[1].replace(",", ""))
m = re.search(r"N = 2: .*?; ([\d,]+) bytes sent per step and process .*?, (\d+) steps", text)
volume, steps = int(m[1].replace(",", "")), int(m[2])
step = chars / steps / alone  # seconds of one process's step
print(f"predicted on one-core nodes (step {step * 1e3:.1f} ms alone, {volume / 1e6:.2f} MB per step, 50 us per message):")
for gbits in (1, 10):
    row = []
    for n in (2, 4, 8, 16):
        exchange = 2 * (n - 1) / n * volume * 8 / (gbits * 1e9) + 2 * (n - 1) * 50e-6
        row.append(f"N={n} {chars / steps / (step / n + exchange):,.0f}")
    print(f"  {gbits} Gbit/s: " + ", ".join(row) + " chars/s")
EOF
