#!/usr/bin/env bash
# WNTR's own tests that drive the EPANET toolkit, run against the installed WNTR with
# Oasis's libepanet2.so in place of its EPANET 2.2 library, and, as the baseline, with
# EPANET 2.2.0's (entoolkit 2.2.0). A developer tool: it needs WNTR's sources (tests and
# example networks are not in the wheel), which CI cannot fetch.
#
# Usage: scripts/wntr-toolkit-tests.sh WNTR_GIT_DIR [PYTEST_ARGS...]
#   WNTR_GIT_DIR: a clone (or bare mirror) of github.com/USEPA/WNTR; the tag matching the
#   installed WNTR (1.5.0) is read from it with git, not checked out.
# Env: WNTR_TESTS (test file names, default every one that uses EPANET's toolkit),
#   OASIS_TOOLKIT_LIB (default $CARGO_TARGET_DIR/debug/libepanet2.so, else
#   target/debug/...); OUT (default a temp dir): junit XML and logs per library.
set -euo pipefail
cd "$(dirname "$0")/.."
git_dir="$(cd "${1:?usage: $0 WNTR_GIT_DIR [PYTEST_ARGS...]}" && git rev-parse --git-dir)"
git_dir="$(cd "$1" && cd "$git_dir" && pwd)"
shift
ours="${OASIS_TOOLKIT_LIB:-${CARGO_TARGET_DIR:-target}/debug/libepanet2.so}"
[ -f "$ours" ] || { echo "$ours missing: cargo build -p oasis-toolkit" >&2; exit 1; }
wntr_dir="$(python3 -c 'import os, wntr; print(os.path.dirname(wntr.__file__))')"
version="$(python3 -c 'import wntr; print(wntr.__version__)')"
epanet22="$(python3 -c 'import os, entoolkit; print(os.path.join(os.path.dirname(entoolkit.__file__), "epanet", "linux-x64", "libepanet.so"))')"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"

# The tag's tests and example networks (large files a mirror may lack are skipped).
src="$out/src"
rm -rf "$src" && mkdir -p "$src"
git --git-dir="$git_dir" ls-tree -r "$version" wntr/tests examples/networks |
while read -r _ _ blob path; do
    if git --git-dir="$git_dir" cat-file -e "$blob" 2>/dev/null; then
        mkdir -p "$src/$(dirname "$path")"
        git --git-dir="$git_dir" cat-file blob "$blob" > "$src/$path"
    else
        echo "not in $git_dir: $path" >&2
    fi
done
commit="$(git --git-dir="$git_dir" rev-parse "$version^{commit}")"

# WNTR's test files that run EPANET through the toolkit (EPANET-MSX's excepted: that
# is a second library, not replaced here).
tests="${WNTR_TESTS:-$(cd "$src/wntr/tests" && grep -l -E 'EpanetSimulator|epanet\.toolkit|ENepanet' test_*.py | grep -v msx)}"

for name in epanet22 oasis; do
    lib="$epanet22"; [ "$name" = oasis ] && lib="$ours"
    copy="$out/$name"
    rm -rf "$copy" && mkdir -p "$copy"
    cp -r "$wntr_dir" "$copy/wntr"
    rm -rf "$copy/wntr/tests" && cp -r "$src/wntr/tests" "$copy/wntr/tests"
    cp -r "$src/examples" "$copy/examples"
    cp "$lib" "$copy/wntr/epanet/libepanet/linux-x64/libepanet22.so"
    # pytest puts $copy first on sys.path (wntr/ is a package there): the copy is imported.
    (cd "$copy" && PYTHONPATH="$copy" python3 -m pytest -q -p no:cacheprovider -rfE \
        --junitxml="$out/$name.xml" $(for t in $tests; do echo "wntr/tests/$t"; done) "$@" \
        > "$out/$name.log" 2>&1) || true
    summary="$(tail -1 "$out/$name.log")"
    echo "$name: $summary"
done
echo "WNTR $version (commit $commit), $(date -u +%Y-%m-%d); logs and junit XML in $out"
