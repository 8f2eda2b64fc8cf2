#!/usr/bin/env bash
# Builds Oasis's drop-in EPANET toolkit library and puts it where a tool
# looks for EPANET, under every name tools use for it.
#
#   scripts/install-toolkit.sh DIR        copy into DIR as libepanet2.so, libepanet22.so, libepanet.so
#   scripts/install-toolkit.sh --wntr     replace the EPANET 2.2 library of the installed WNTR
#                                         (the original is kept as libepanet22.so.epanet)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p oasis-toolkit
lib="${CARGO_TARGET_DIR:-target}/release/libepanet2.so"

if [ "${1:-}" = "--wntr" ]; then
  dir="$(python3 -c 'import importlib.resources as r; print(r.files("wntr.epanet") / "libepanet" / "linux-x64")')"
  [ -e "$dir/libepanet22.so.epanet" ] || cp "$dir/libepanet22.so" "$dir/libepanet22.so.epanet"
  cp "$lib" "$dir/libepanet22.so"
  echo "WNTR's EpanetSimulator now runs on Oasis: $dir/libepanet22.so"
  echo "undo: cp $dir/libepanet22.so.epanet $dir/libepanet22.so"
  exit 0
fi

dir="${1:?usage: scripts/install-toolkit.sh DIR | --wntr}"
mkdir -p "$dir"
for name in libepanet2.so libepanet22.so libepanet.so; do
  cp "$lib" "$dir/$name"
done
echo "installed $lib into $dir as libepanet2.so, libepanet22.so and libepanet.so"
