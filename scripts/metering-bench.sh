#!/usr/bin/env bash
# The district-metering benchmark (docs/metering-benchmark.md): a bulk city of METERS customer
# meters read every 15 minutes for DAYS days, through every step of the metering commands, each
# timed with /usr/bin/time -v (wall, peak RSS), side by side with DuckDB over the same Parquet.
#   scripts/metering-bench.sh [METERS [DAYS]]        # default 100000 30 (288 million readings)
# Environment:
#   WORK=DIR        where the city and the stores go (default /tmp/meterbench-METERS-DAYS; the
#                   full size needs ~11 GB for readings.csv plus ~6 GB of stores and export)
#   OASIS=PATH      the oasis binary (default: $CARGO_TARGET_DIR or target, release; built if absent)
#   CHECKS=1        also ingest the CSV with the quality checks, into a third store
#   KEEP=1          keep WORK afterwards (default: deleted)
#   PYTHON=python3  with duckdb installed (pip install duckdb)
# Prints one markdown table at the end; the steps' output goes to WORK/logs. On a shared machine
# the wall times depend on the other load: the CPU column (user + sys) is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
METERS=${1:-100000}
DAYS=${2:-30}
DISTRICTS=${DISTRICTS:-100}
WORK=${WORK:-/tmp/meterbench-$METERS-$DAYS}
PYTHON=${PYTHON:-python3}
OASIS=${OASIS:-${CARGO_TARGET_DIR:-target}/release/oasis}
if [[ ! -x $OASIS ]]; then
  cargo build --release -q -p oasis-cli
fi
[[ $DAYS -ge 2 ]] || { echo "DAYS must be at least 2" >&2; exit 2; }

# The bulk city starts on 2026-03-01 00:00 local (+08:00) and reads up to DAYS days later; the
# balance period leaves the first day out (the inlets' first interval ends at 00:15) and ends
# on the last day before the data ends (at most the day before).
FROM=2026-03-02
LAST=$(( DAYS >= 3 ? DAYS - 2 : 1 ))
TO=$(date -u -d "2026-03-01 + $LAST days" +%F)

rm -rf "$WORK"
mkdir -p "$WORK/logs"
CITY=$WORK/city STORE=$WORK/store STORE_PQ=$WORK/store-pq STORE_CK=$WORK/store-checks EXPORT=$WORK/export
declare -A WALL RSS CPU
secs() { # h:mm:ss or m:ss.ss → seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"
}
step() { # step NAME CMD...: runs CMD under /usr/bin/time -v, output in WORK/logs/NAME.log
  local name=$1; shift
  echo "[$(date -u +%T)] $name: $*" >&2
  if ! /usr/bin/time -v -o "$WORK/logs/$name.time" "$@" >"$WORK/logs/$name.log" 2>&1; then
    echo "step $name failed:" >&2; tail -20 "$WORK/logs/$name.log" >&2
    [[ ${ALLOW_FAIL:-0} == 1 ]] || exit 1
  fi
  WALL[$name]=$(secs "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/logs/$name.time")")
  CPU[$name]=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$WORK/logs/$name.time")
  RSS[$name]=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$WORK/logs/$name.time")
  echo "[$(date -u +%T)] $name: ${WALL[$name]} s wall, ${CPU[$name]} s CPU, ${RSS[$name]} MiB" >&2
}
size() { du -sB1 "$1" | awk '{ if ($1 >= 2^30) printf "%.2f GiB", $1 / 2^30; else printf "%.1f MiB", $1 / 2^20 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f M readings/s", n / s / 1e6 }'; }

step generate "$OASIS" citysim --bulk "$METERS" --bulk-districts "$DISTRICTS" --days "$DAYS" -o "$CITY"
READINGS=$(( (METERS * (96 * DAYS + 1)) + DISTRICTS * 96 * DAYS ))
CSV_SIZE=$(size "$CITY/readings.csv")

step register "$OASIS" meters register --db "$STORE" "$CITY/meters.csv"
step ingest_csv "$OASIS" meters ingest --db "$STORE" "$CITY/readings.csv" --no-checks
step districts "$OASIS" districts build --db "$STORE"
STORE_SIZE=$(size "$STORE")
STORE_READINGS=$(size "$STORE/readings")
STORE_REGISTRY=$(size "$STORE/registry.sqlite")
step balance "$OASIS" balance --db "$STORE" --from "$FROM" --to "$TO" --csv "$WORK/balance.csv"
step export "$OASIS" meters export --db "$STORE" --format parquet -o "$EXPORT"
EXPORT_SIZE=$(size "$EXPORT")

step register_pq "$OASIS" meters register --db "$STORE_PQ" "$CITY/meters.csv"
step ingest_parquet "$OASIS" meters ingest --db "$STORE_PQ" --no-checks "$EXPORT"/readings/*/readings.parquet
STORE_PQ_SIZE=$(size "$STORE_PQ")

# DuckDB: the export (meter ids, join meters.csv), then the store's own files (integer keys).
duck=(scripts/metering_bench_duckdb.py --meters "$CITY/meters.csv" --from "$FROM" --to "$TO" --balance-csv "$WORK/balance.csv")
# (a disagreement exits 1: the table is printed all the same, and says DISAGREE)
ALLOW_FAIL=1 step duckdb_export "$PYTHON" "${duck[@]}" --export "$EXPORT"
ALLOW_FAIL=1 step duckdb_store "$PYTHON" "${duck[@]}" --store "$STORE" 
# Last, as it is the slowest: the CSV again, with the quality checks, into a third store.
if [[ ${CHECKS:-0} == 1 ]]; then
  step register_ck "$OASIS" meters register --db "$STORE_CK" "$CITY/meters.csv"
  step ingest_csv_checks "$OASIS" meters ingest --db "$STORE_CK" "$CITY/readings.csv"
  rm -rf "$STORE_CK"
fi
val() { sed -n "s/^$2=//p" "$WORK/logs/$1.log" | head -1; }
cmp_line() { grep '^compare_' "$WORK/logs/$1.log" | sed 's/^compare_[a-z]*: //'; }

CHECKS_ROW=
if [[ ${CHECKS:-0} == 1 ]]; then
  CHECKS_ROW="| meters ingest CSV (with checks) | ${WALL[ingest_csv_checks]} | ${CPU[ingest_csv_checks]} | ${RSS[ingest_csv_checks]} | $(rate "$READINGS" "${WALL[ingest_csv_checks]}") (wall), $(rate "$READINGS" "${CPU[ingest_csv_checks]}") per CPU-second |
"
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
cat <<EOF

### Metering benchmark: $METERS meters × $DAYS days ($READINGS readings), $DISTRICTS districts
$(date -u '+%F %H:%M UTC'), $(nproc) vCPU, $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, commit $commit, balance $FROM → $TO (local, --to included)

| step | wall (s) | CPU user+sys (s) | peak RSS (MiB) | notes |
|---|---:|---:|---:|---|
| citysim --bulk (readings.csv) | ${WALL[generate]} | ${CPU[generate]} | ${RSS[generate]} | readings.csv $CSV_SIZE |
| meters register | ${WALL[register]} | ${CPU[register]} | ${RSS[register]} | |
| meters ingest CSV --no-checks | ${WALL[ingest_csv]} | ${CPU[ingest_csv]} | ${RSS[ingest_csv]} | $(rate "$READINGS" "${WALL[ingest_csv]}") (wall), $(rate "$READINGS" "${CPU[ingest_csv]}") per CPU-second |
${CHECKS_ROW}| districts build | ${WALL[districts]} | ${CPU[districts]} | ${RSS[districts]} | store $STORE_SIZE: readings/ $STORE_READINGS, registry.sqlite $STORE_REGISTRY |
| **balance, all districts** | **${WALL[balance]}** | **${CPU[balance]}** | **${RSS[balance]}** | $FROM → $TO |
| meters export --format parquet | ${WALL[export]} | ${CPU[export]} | ${RSS[export]} | export $EXPORT_SIZE |
| meters ingest Parquet --no-checks | ${WALL[ingest_parquet]} | ${CPU[ingest_parquet]} | ${RSS[ingest_parquet]} | $(rate "$READINGS" "${WALL[ingest_parquet]}") (wall), $(rate "$READINGS" "${CPU[ingest_parquet]}") per CPU-second; store $STORE_PQ_SIZE |
| DuckDB $(val duckdb_export duckdb_version), export: billed / system input | $(val duckdb_export duckdb_export_billed_s) / $(val duckdb_export duckdb_export_siv_s) | ${CPU[duckdb_export]} (process) | ${RSS[duckdb_export]} | process wall ${WALL[duckdb_export]} s; $(cmp_line duckdb_export) |
| DuckDB, store files: billed / system input | $(val duckdb_store duckdb_store_billed_s) / $(val duckdb_store duckdb_store_siv_s) | ${CPU[duckdb_store]} (process) | ${RSS[duckdb_store]} | process wall ${WALL[duckdb_store]} s, key map $(val duckdb_store duckdb_store_keymap_s) s; $(cmp_line duckdb_store) |

Totals: oasis billed $(val duckdb_export oasis_billed_total_m3) m³, DuckDB $(val duckdb_export duckdb_export_billed_total_m3) m³ (export) / $(val duckdb_store duckdb_store_billed_total_m3) m³ (store); system input oasis $(val duckdb_export oasis_siv_total_m3) m³, DuckDB $(val duckdb_export duckdb_export_siv_total_m3) / $(val duckdb_store duckdb_store_siv_total_m3) m³.
EOF
if [[ ${KEEP:-0} != 1 ]]; then
  rm -rf "$WORK"
fi
