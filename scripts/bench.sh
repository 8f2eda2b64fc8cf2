#!/usr/bin/env bash
# Oasis vs EPANET 2.3.5 / 2.2, hydraulics only. Builds oasis-bench in release
# mode, then runs `oasis-bench compare` with the arguments given, or on
# ../shared/networks with 5 repeats when none are given.
#   scripts/bench.sh                                  # the shared networks
#   scripts/bench.sh --repeat 3 my-networks/ a.inp    # anything else
# The EPANET columns need: pip install owa-epanet==2.3.5 entoolkit==2.2.0
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p oasis-bench
bench="${CARGO_TARGET_DIR:-target}/release/oasis-bench"
if [[ $# -eq 0 ]]; then
  set -- --repeat 5 ../shared/networks
fi
exec "$bench" compare "$@"
