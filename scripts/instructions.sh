#!/usr/bin/env bash
# Instructions executed by Oasis's and EPANET 2.3.5's hydraulics on the same
# networks, counted by valgrind's callgrind: a machine's load does not change
# them, so they compare builds and engines where times on a shared machine are
# too noisy. Oasis: Simulation::build (model, ordering, symbolic factor) and
# every solve_only/next step, as `oasis run` does them; EPANET: EN_openH,
# EN_initH, the EN_runH/EN_nextH loop and EN_closeH (scripts/epanet_hydraulics.c).
# Needs valgrind, a C compiler and: pip install owa-epanet==2.3.5
#   scripts/instructions.sh NET.inp [NET.inp ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -gt 0 ]] || { echo "usage: scripts/instructions.sh NET.inp ..." >&2; exit 2; }
cargo build --release -q -p oasis-cli
oasis="${CARGO_TARGET_DIR:-target}/release/oasis"
lib=$(python3 -c 'import epanet, os; print(os.path.join(os.path.dirname(epanet.__file__), "libepanet2.so"))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/epanet_hydraulics" scripts/epanet_hydraulics.c -ldl -Wl,--no-as-needed -lm
count() { # callgrind's total for the counted functions
  grep -o 'refs: *[0-9,]*' "$1" | tr -d ', ' | cut -d: -f2
}
echo "| network | Oasis instructions | EPANET 2.3.5 instructions | Oasis/2.3.5 |"
echo "|---|--:|--:|--:|"
for net in "$@"; do
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    --toggle-collect='*Simulation::build*' --toggle-collect='*Simulation::solve_only*' \
    --toggle-collect='*Simulation::next*' --error-exitcode=0 \
    "$oasis" run "$net" --timing > /dev/null 2> "$work/oasis.txt" && a=$(count "$work/oasis.txt") || a=failed
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=hydraulics \
    "$work/epanet_hydraulics" "$lib" "$net" > /dev/null 2> "$work/epanet.txt" && b=$(count "$work/epanet.txt") || b=failed
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "–" }')
  echo "| $(basename "$net") | $a | $b | $ratio |"
done
