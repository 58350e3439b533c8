#!/usr/bin/env bash
# One script the README names, run as a user runs it but on tiny inputs written here (a corpus folder of a few
# hundred generated sentences in the Resume and MSRA layouts, a few hundred lines of raw text) and with the binaries
# of the build under test (NER_BUILD): it must exit 0 and print the last line it documents.
# Usage: scripts_test.sh BUILD_DIR SCRIPT   (SCRIPT: reproduce, results, vectors, train_lm, bench, bench_nn,
#   bench_python, bench_mpi, memory, load_test or demo; exit 77: skipped, with the reason)
set -euo pipefail
build=$(cd "$1" && pwd) script=$2
sources=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "scripts_test $script: $*" >&2; exit 1; }
skip() { echo "scripts_test $script: skipped: $*"; exit 77; }

# The corpus folder: generated sentences naming people, places and organisations, as Resume NER (character and
# BMES tag, space-separated; NAME for people) and MSRA NER (BIO, tab-separated; PER) lay them out, and raw text.
/usr/bin/python3 - "$work/data" <<'EOF'
import os, random, sys
root = sys.argv[1]
people = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴刚"]
places = ["北京", "上海", "广州", "深圳", "杭州", "南京", "武汉", "成都"]
organisations = ["北京大学", "清华大学", "华为公司", "中国银行", "人民日报社", "复旦大学"]
templates = ["{P}在{L}的{O}工作。", "{P}毕业于{O}，现居{L}。", "{O}位于{L}。", "{P}说今天{L}天气很好。", "我们在{O}见到了{P}。"]
def sentence(rng):
    template = rng.choice(templates)
    pieces, text = [], template
    while text:
        if text.startswith(("{P}", "{L}", "{O}")):
            kind = text[1]
            name = rng.choice({"P": people, "L": places, "O": organisations}[kind])
            pieces.append((name, {"P": "PER", "L": "LOC", "O": "ORG"}[kind]))
            text = text[3:]
        else:
            pieces.append((text[0], None))
            text = text[1:]
    return pieces
def tags(text, kind, scheme):
    if kind is None:
        return ["O"] * len(text)
    if scheme == "bio":
        return ["B-" + kind] + ["I-" + kind] * (len(text) - 1)
    if len(text) == 1:
        return ["S-" + kind]
    return ["B-" + kind] + ["M-" + kind] * (len(text) - 2) + ["E-" + kind]
rng = random.Random(1)
for corpus, scheme, separator, person, files in [
        ("resume", "bmes", " ", "NAME", ["train.char.bmes", "dev.char.bmes", "test.char.bmes"]),
        ("msra", "bio", "\t", "PER", ["train.bio", "dev.bio", "test.bio"])]:
    os.makedirs(f"{root}/{corpus}")
    for name, count in zip(files, [300, 60, 60]):
        with open(f"{root}/{corpus}/{name}", "w", encoding="utf-8") as out:
            for _ in range(count):
                for text, kind in sentence(rng):
                    kind = person if kind == "PER" else kind
                    for char, tag in zip(text, tags(text, kind, scheme)):
                        out.write(f"{char}{separator}{tag}\n")
                out.write("\n")
os.makedirs(f"{root}/raw")
with open(f"{root}/raw/open.txt", "w", encoding="utf-8") as out:
    for number in range(400):
        out.write(f"第一条 " if number % 10 == 0 else "")
        out.write("".join(text for _ in range(3) for text, _ in sentence(rng)) + "\n")
EOF
export NER_DATA=$work/data NER_BUILD=$build NER_BASELINES=$work/no-baselines
unset NER_MODEL

# Runs the script with the arguments given from another folder and checks the last line of its standard output
# (of its standard error with --stderr first: the scripts whose figures are files, not a report) against a pattern.
run() {
  local stream=out
  [ "$1" = --stderr ] && { stream=err; shift; }
  local pattern=$1
  shift
  (cd "$work" && bash "$sources/scripts/$script.sh" "$@") >"$work/out" 2>"$work/err" ||
    { local status=$?; cat "$work/out" "$work/err" >&2; fail "exited $status"; }
  last=$(tail -n 1 "$work/$stream")
  [[ $last =~ $pattern ]] || { cat "$work/out" "$work/err" >&2; fail "last line '$last' does not match '$pattern'"; }
  echo "scripts_test $script: $last"
}

case "$script" in
  reproduce)  # the best recipe (vectors made first), then a plain configuration on the -1k cut
    VECTORS=$work/vectors OUT=$work/r1 TRAIN_EPOCHS=1 MIN_COUNT=1 run '^test F1: [0-9]+\.[0-9]+$' resume 1
    [ -f "$work/vectors/words.vec" ] || fail "the vectors recipe made no vectors"
    OUT=$work/r2 TRAIN_EPOCHS=1 run '^test F1: [0-9]+\.[0-9]+$' msra-1k 2 char ;;
  results)
    OUT_ROOT=$work/results TRAIN_EPOCHS=1 run '^\| resume \| char \| [0-9.]+ ± [0-9.]+ \| [0-9.]+ ± [0-9.]+ \| [0-9.]+ [0-9.]+ \| [0-9]+ s \|$' \
      resume char "1 2" ;;
  vectors)
    MIN_COUNT=1 EPOCHS=1 run --stderr '^vectors: .*/words\.vec \([0-9]+ keys\)$' "$NER_DATA/raw/open.txt" "$work/vectors"
    for name in chars bigrams words; do
      head -n 1 "$work/vectors/$name.vec" | grep -Eq '^[0-9]+ [0-9]+$' || fail "$name.vec has no word2vec header"
    done ;;
  train_lm)
    OUT=$work/lm run '' 20000 --epochs 1  # the sample, which may end inside a line the model drew
    grep -q '^第一条' "$work/out" || fail "no sample starting with the prefix"
    [ -f "$work/lm/open.lm" ] || fail "no language model written" ;;
  bench)
    run '^\| language-model training \(`ner lm train`, forward \+ backward\), 1 / 2 threads \| [0-9]+ / [0-9]+ chars/s \| – \|$' 1
    # Every figure of the table is there: no unit without its number.
    if grep -E '^\|' "$work/out" | grep -Eq '(\| |/ |, )(chars/s|ms|MB)'; then
      grep -E '^\|' "$work/out" >&2
      fail "a figure of the table is missing"
    fi
    grep -E '^\| shipped model with `--dictionary` of [0-9]+ entries' "$work/out" || fail "no dictionary row" ;;
  bench_nn)
    [ -x "$build/nn_bench" ] || skip "no nn_bench in $build"
    run 'GFLOP/s' ;;
  bench_python)
    compgen -G "$build/python/ner.*.so" >/dev/null || skip "the Python module is not built in $build"
    run '^command line: echo SENTENCE \| .*ner tag, started [0-9]+ times: [0-9.]+ calls/s, [0-9.]+ ms per call$' 200 ;;
  bench_mpi)
    command -v mpirun >/dev/null || skip "mpirun not installed"
    run '^  10 Gbit/s: N=2 .* chars/s$' ;;
  memory)
    run '^peak RSS: [0-9.]+ MB \([-0-9.]+ MB above the model\)$' 0.05 16 ;;
  load_test)
    command -v wrk >/dev/null || skip "wrk not installed"
    run '^SIGTERM: exit 0$' 1 2000 ;;
  demo)
    run "^\[\{'start': 0, 'end': 2, 'type': 'PER', 'text': '张伟'\}" ;;
  *) fail "unknown script (see the usage line)" ;;
esac
