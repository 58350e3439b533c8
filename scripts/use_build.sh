# Sourced by the scripts that run the binaries. `use_build TARGET...` sets $build, the folder they run them from:
# $NER_BUILD as it is when set (an absolute path; the tests run the scripts on the build they test), else
# build/release, with the missing packages installed and the TARGETs built first.
use_build() {
  if [ -n "${NER_BUILD:-}" ]; then
    [ -x "$NER_BUILD/ner" ] || { echo "$(basename "$0"): NER_BUILD=$NER_BUILD holds no ner binary" >&2; exit 1; }
    build=$NER_BUILD
    return
  fi
  bash scripts/setup.sh
  bash scripts/build.sh build/release -- "$@" >/dev/null
  build=build/release
}
