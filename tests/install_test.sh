#!/usr/bin/env bash
# `cmake --install` into a fresh prefix, then that prefix moved elsewhere: the installed ner and Python module find
# the shipped model relative to themselves (also through a symbolic link) and tag as the build tree's ner does; a
# binary copied away from its model says where it looked.
# Usage: install_test.sh BUILD_DIR PYTHON_MODULE_DIR PYTHON (the last two empty in a build without the module).
set -euo pipefail
build=$1 python_dir=${2:-} python=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset NER_MODEL
fail() { echo "install_test: $*" >&2; exit 1; }
sentence=李克强在北京会见了联合国秘书长潘基文。
expected=$(echo "$sentence" | "$build/ner" tag)
echo "$expected" | grep -q '"type":"PER"' || fail "the build tree's ner tags no person: $expected"

cmake --install "$build" --prefix "$work/prefix" >/dev/null
mv "$work/prefix" "$work/moved"
prefix=$work/moved
[ -x "$prefix/bin/ner" ] || fail "no bin/ner installed"
[ -f "$prefix/share/ner/msra.model" ] || fail "no share/ner/msra.model installed"

cd /
mkdir "$work/links" && ln -s "$prefix/bin/ner" "$work/links/ner"
for binary in "$prefix/bin/ner" "$work/links/ner"; do
  "$binary" info | grep -qF "model:          $prefix/share/ner/msra.model" || fail "$binary does not use the installed model: $("$binary" info | head -1)"
  [ "$(echo "$sentence" | "$binary" tag)" = "$expected" ] || fail "$binary tags otherwise than the build tree's ner"
done

mkdir "$work/lonely" && cp "$prefix/bin/ner" "$work/lonely/ner"
if message=$(echo "$sentence" | "$work/lonely/ner" tag 2>&1); then fail "a binary without a model tagged: $message"; fi
echo "$message" | grep -qF "$work/share/ner/msra.model: no such file" || fail "the missing model's error does not say where it looked: $message"
echo "$message" | grep -qF "give --model FILE or set NER_MODEL" || fail "the missing model's error does not say what to do: $message"

if [ -z "$python_dir" ]; then
  echo "install_test: the Python module is not built here (pybind11-dev and python3-dev missing): not checked"
  exit 0
fi
module=("$prefix/$python_dir"/ner.*.so)
[ -f "${module[0]}" ] || fail "no Python module in $prefix/$python_dir"
PYTHONPATH="$prefix/$python_dir" "$python" - "$prefix" "$sentence" "$expected" <<'EOF' || fail "the installed Python module failed"
import json, sys
import ner
prefix, sentence, expected = sys.argv[1:]
assert ner.__file__.startswith(prefix), ner.__file__
tagger = ner.Tagger()
assert tagger.model == prefix + "/share/ner/msra.model", tagger.model
assert tagger.tag(sentence) == json.loads(expected)["entities"], tagger.tag(sentence)
EOF
echo "install_test: installed, moved, and found the model from bin/ner, a link to it and the Python module"
