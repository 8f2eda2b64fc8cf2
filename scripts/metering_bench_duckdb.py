#!/usr/bin/env python3
"""DuckDB's side of the district-metering benchmark (scripts/metering-bench.sh).

The same aggregation as `oasis balance`'s billed metered volume and system input, per district:

* billed: per customer meter, the register at the period's end minus the register at its start,
  each the last reading at or before the instant (the bulk city reads every 15 minutes from local
  midnight, so readings fall on the boundaries exactly and this equals oasis' linear
  interpolation), summed over the district's customers (district from meters.csv);
* system input: per inlet flow meter (m3/h, a value is the interval ending at its stamp), the sum
  of value x step over the stamps in (from, to], step = the time since the previous stamp.

It runs the query over the export (`oasis meters export --format parquet`: meter_id, time, value
DOUBLE) and over the store's own day files (meter_key INT32, time, value DECIMAL(18,6)), whose
integer keys are mapped to meters and districts through the store's registry.sqlite (read with
Python's sqlite3: the map is small, its time is reported apart). Each query is timed (wall, best
of --repeat), and the per-district figures are compared with `oasis balance --csv`.

  pip install duckdb
  python3 scripts/metering_bench_duckdb.py --meters DIR/meters.csv --export EXPORT --store STORE \
      --from 2026-03-02 --to 2026-03-29 --balance-csv balance.csv
Prints `key=value` lines (times in s) and a comparison; exits 1 when the figures disagree.
"""

import argparse
import csv
import datetime as dt
import os
import sqlite3
import sys
import time

import duckdb


def offset_s(text):
    sign = -1 if text.startswith("-") else 1
    h, m = text.lstrip("+-").split(":")
    return sign * (int(h) * 3600 + int(m) * 60)


def local_midnight_epoch(day, off):
    d = dt.datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp()) - off


BILLED = """
WITH r AS (
  SELECT {meter} AS meter,
         arg_max(value, time) FILTER (WHERE time <= to_timestamp({t1})) AS v_end,
         arg_max(value, time) FILTER (WHERE time <= to_timestamp({t0})) AS v_start
  FROM read_parquet('{files}')
  WHERE time <= to_timestamp({t1})
  GROUP BY meter)
SELECT m.district, count(*) AS customers, sum(CAST(r.v_end - r.v_start AS DOUBLE)) AS billed_m3
FROM r JOIN meters m ON m.{mkey} = r.meter
WHERE m.kind = 'customer'
GROUP BY m.district ORDER BY m.district
"""

SIV = """
WITH i AS (
  SELECT {meter} AS meter, time, CAST(value AS DOUBLE) AS value,
         epoch(time) - epoch(lag(time) OVER (PARTITION BY {meter} ORDER BY time)) AS step_s
  FROM read_parquet('{files}') p SEMI JOIN meters m ON m.{mkey} = p.{meter} AND m.kind = 'bulk'
  WHERE time > to_timestamp({t0}) - INTERVAL 1 DAY AND time <= to_timestamp({t1}))
SELECT m.district, sum(i.value * i.step_s / 3600.0) AS siv_m3
FROM i JOIN meters m ON m.{mkey} = i.meter
WHERE i.time > to_timestamp({t0}) AND i.time <= to_timestamp({t1})
GROUP BY m.district ORDER BY m.district
"""


def timed(con, sql, repeat):
    best, rows = None, None
    for _ in range(repeat):
        t = time.perf_counter()
        rows = con.execute(sql).fetchall()
        e = time.perf_counter() - t
        best = e if best is None else min(best, e)
    return best, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meters", required=True, help="the register CSV (meters.csv)")
    ap.add_argument("--export", help="directory written by `oasis meters export --format parquet`")
    ap.add_argument("--store", help="the oasis store (its readings/*/*.parquet and registry.sqlite)")
    ap.add_argument("--from", dest="from_day", required=True, help="first local day, YYYY-MM-DD")
    ap.add_argument("--to", dest="to_day", required=True, help="last local day, included")
    ap.add_argument("--utc-offset", default="+08:00", help="the store's UTC offset (default +08:00)")
    ap.add_argument("--balance-csv", help="`oasis balance --csv` output to compare with")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tolerance-m3", type=float, default=1e-3, help="largest per-district difference accepted")
    a = ap.parse_args()

    off = offset_s(a.utc_offset)
    t0 = local_midnight_epoch(a.from_day, off)
    t1 = local_midnight_epoch(a.to_day, off) + 86_400
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    print(f"duckdb_version={duckdb.__version__}")
    print(f"threads={a.threads}")
    print(f"period_utc_epoch={t0}..{t1}")

    results = {}
    if a.export:
        con.execute(
            f"CREATE OR REPLACE TABLE meters AS SELECT meter_id, kind, district FROM read_csv('{a.meters}', all_varchar = true)"
        )
        files = os.path.join(a.export, "readings", "*", "*.parquet")
        q = dict(meter="meter_id", mkey="meter_id", files=files, t0=t0, t1=t1)
        s, billed = timed(con, BILLED.format(**q), a.repeat)
        print(f"duckdb_export_billed_s={s:.3f}")
        s2, siv = timed(con, SIV.format(**q), a.repeat)
        print(f"duckdb_export_siv_s={s2:.3f}")
        results["export"] = (billed, siv)
    if a.store:
        t = time.perf_counter()
        db = sqlite3.connect(f"file:{os.path.join(a.store, 'registry.sqlite')}?mode=ro", uri=True)
        keys = db.execute("SELECT key, meter_id, kind, district FROM meters").fetchall()
        db.close()
        con.execute("CREATE OR REPLACE TABLE meters (key INTEGER, meter_id VARCHAR, kind VARCHAR, district VARCHAR)")
        bulk_insert(con, keys)
        print(f"duckdb_store_keymap_s={time.perf_counter() - t:.3f}")
        files = os.path.join(a.store, "readings", "*", "*.parquet")
        q = dict(meter="meter_key", mkey="key", files=files, t0=t0, t1=t1)
        s, billed = timed(con, BILLED.format(**q), a.repeat)
        print(f"duckdb_store_billed_s={s:.3f}")
        s2, siv = timed(con, SIV.format(**q), a.repeat)
        print(f"duckdb_store_siv_s={s2:.3f}")
        results["store"] = (billed, siv)

    ok = True
    for name, (billed, siv) in results.items():
        total_b = sum(r[2] for r in billed)
        total_s = sum(r[1] for r in siv)
        print(f"duckdb_{name}_districts={len(billed)} customers={sum(r[1] for r in billed)}")
        print(f"duckdb_{name}_billed_total_m3={total_b:.3f}")
        print(f"duckdb_{name}_siv_total_m3={total_s:.3f}")
    if a.balance_csv:
        with open(a.balance_csv, newline="") as f:
            oasis = {r["district"]: r for r in csv.DictReader(f)}
        ob = sum(float(r["billed_metered_m3"]) for r in oasis.values())
        os_ = sum(float(r["system_input_m3"]) for r in oasis.values())
        print(f"oasis_billed_total_m3={ob:.3f}")
        print(f"oasis_siv_total_m3={os_:.3f}")
        for name, (billed, siv) in results.items():
            db_b = {r[0]: r[2] for r in billed}
            db_s = {r[0]: r[1] for r in siv}
            missing = sorted(set(oasis) ^ set(db_b))
            diff_b = max((abs(float(oasis[d]["billed_metered_m3"]) - db_b[d]) for d in oasis if d in db_b), default=0.0)
            diff_s = max((abs(float(oasis[d]["system_input_m3"]) - db_s.get(d, 0.0)) for d in oasis if d in db_b), default=0.0)
            agree = not missing and diff_b <= a.tolerance_m3 and diff_s <= a.tolerance_m3
            ok &= agree
            verdict = "AGREE" if agree else "DISAGREE"
            print(f"compare_{name}: largest per-district difference oasis vs DuckDB: billed {diff_b:.6f} m3, "
                  f"system input {diff_s:.6f} m3; districts on one side only: {len(missing)} {missing[:5]} -> {verdict}")
    sys.exit(0 if ok else 1)


def bulk_insert(con, rows):
    # executemany is slow for 100,000 rows: go through a temporary CSV instead.
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "meter_id", "kind", "district"])
        w.writerows(rows)
        path = f.name
    con.execute(f"INSERT INTO meters SELECT * FROM read_csv('{path}', header = true, "
                "columns = {'key': 'INTEGER', 'meter_id': 'VARCHAR', 'kind': 'VARCHAR', 'district': 'VARCHAR'})")
    os.unlink(path)


if __name__ == "__main__":
    main()
