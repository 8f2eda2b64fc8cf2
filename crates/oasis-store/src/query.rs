//! Reading back: partitions, the day index, series of chosen meters, ingests and what they set
//! aside, quality flags, and export as Parquet that outside engines read as it is.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, Encoding};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;
use rusqlite::{params, OptionalExtension};

use crate::days::{self, DayColumns, MeterDay};
use crate::{from_micro, MeterStore, Store, StoreError};

/// One reading in canonical units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub t_s: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngestRecord {
    pub id: i64,
    pub source: String,
    pub started_unix: i64,
    pub finished: bool,
    pub counts: crate::IngestCounts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredFlag {
    pub meter_key: u32,
    pub t_s: i64,
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    pub files: u64,
    pub rows: u64,
}

impl Store {
    /// Every committed day: (day, file name, rows).
    pub fn partitions(&self) -> Result<Vec<(i32, String, u64)>, StoreError> {
        let mut stmt = self.db.prepare("SELECT day, file, rows FROM partitions ORDER BY day")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn partition(&self, day: i32) -> Result<Option<String>, StoreError> {
        Ok(self.db.query_row("SELECT file FROM partitions WHERE day = ?1", [day], |r| r.get(0)).optional()?)
    }

    /// The index entries of days `from_day..=to_day`, for every meter, in (meter, day) order.
    pub fn meter_days(&self, from_day: i32, to_day: i32) -> Result<Vec<(i32, MeterDay)>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT day, meter_key, row_group, count, first_t, first_micro, last_t, last_micro, max_step
             FROM meter_days WHERE day BETWEEN ?1 AND ?2 ORDER BY meter_key, day",
        )?;
        let rows = stmt.query_map([from_day, to_day], |r| {
            Ok((
                r.get(0)?,
                MeterDay {
                    meter: r.get::<_, i64>(1)? as u32,
                    row_group: r.get::<_, i64>(2)? as u32,
                    count: r.get::<_, i64>(3)? as u32,
                    first_t_s: r.get(4)?,
                    first_micro: r.get(5)?,
                    last_t_s: r.get(6)?,
                    last_micro: r.get(7)?,
                    max_step_s: r.get(8)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The readings of the given meters in `[from_s, to_s]`, each series in time order. Reads
    /// from each day file only the row groups that hold these meters.
    pub fn readings(&self, keys: &[u32], from_s: i64, to_s: i64) -> Result<HashMap<u32, Vec<Reading>>, StoreError> {
        let mut out: HashMap<u32, Vec<Reading>> = keys.iter().map(|&k| (k, Vec::new())).collect();
        if keys.is_empty() || from_s > to_s {
            return Ok(out);
        }
        let (d0, d1) = (self.day_of(from_s), self.day_of(to_s));
        let mut groups: HashMap<i32, Vec<u32>> = HashMap::new();
        {
            let mut stmt =
                self.db.prepare("SELECT day, row_group FROM meter_days WHERE meter_key = ?1 AND day BETWEEN ?2 AND ?3")?;
            for &k in keys {
                let rows = stmt.query_map(params![k, d0, d1], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, i64>(1)? as u32)))?;
                for row in rows {
                    let (day, g) = row?;
                    groups.entry(day).or_default().push(g);
                }
            }
        }
        let mut day_list: Vec<_> = groups.into_iter().collect();
        day_list.sort_by_key(|(d, _)| *d);
        for (day, mut gs) in day_list {
            gs.sort_unstable();
            gs.dedup();
            let Some(file) = self.partition(day)? else { continue };
            let cols = days::read_day(&days::day_path(&self.dir, day, &file), Some(&gs))?;
            for i in 0..cols.len() {
                let t = cols.t_s[i];
                if t < from_s || t > to_s {
                    continue;
                }
                if let Some(series) = out.get_mut(&cols.meter[i]) {
                    series.push(Reading { t_s: t, value: from_micro(cols.micro[i]) });
                }
            }
        }
        Ok(out)
    }

    /// Calls `f` with each committed day's readings in `from_day..=to_day`, in day order.
    pub fn for_each_day(
        &self,
        from_day: i32,
        to_day: i32,
        mut f: impl FnMut(i32, &DayColumns) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for (day, file, _) in self.partitions()? {
            if day < from_day || day > to_day {
                continue;
            }
            let cols = days::read_day(&days::day_path(&self.dir, day, &file), None)?;
            f(day, &cols)?;
        }
        Ok(())
    }

    pub fn ingests(&self) -> Result<Vec<IngestRecord>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT id, source, started_unix, finished_unix, lines, new, duplicate, conflicting, rejected FROM ingests ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(IngestRecord {
                id: r.get(0)?,
                source: r.get(1)?,
                started_unix: r.get(2)?,
                finished: r.get::<_, Option<i64>>(3)?.is_some(),
                counts: crate::IngestCounts {
                    lines: r.get::<_, i64>(4)? as u64,
                    new: r.get::<_, i64>(5)? as u64,
                    duplicate: r.get::<_, i64>(6)? as u64,
                    conflicting: r.get::<_, i64>(7)? as u64,
                    rejected: r.get::<_, i64>(8)? as u64,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Lines set aside by an ingest: (line, field, message, text).
    pub fn rejected_lines(&self, ingest: i64) -> Result<Vec<(u64, String, String, String)>, StoreError> {
        let mut stmt =
            self.db.prepare("SELECT line, field, message, text FROM rejected WHERE ingest = ?1 ORDER BY line")?;
        let rows = stmt.query_map([ingest], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Conflicting readings of an ingest: (meter key, time, stored, offered, line).
    pub fn conflicts(&self, ingest: i64) -> Result<Vec<crate::StoredConflict>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT meter_key, t, stored_micro, offered_micro, line FROM conflicts WHERE ingest = ?1 ORDER BY meter_key, t",
        )?;
        let rows = stmt.query_map([ingest], |r| {
            Ok((
                r.get::<_, i64>(0)? as u32,
                r.get(1)?,
                from_micro(r.get(2)?),
                from_micro(r.get(3)?),
                r.get::<_, i64>(4)? as u64,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces, for each (meter, from, to, flags), the meter's flags within `[from, to]` by
    /// `flags` (time, kind, detail). One transaction for all.
    pub fn replace_flags(&mut self, batch: &crate::FlagBatch) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        {
            let mut del = tx.prepare("DELETE FROM flags WHERE meter_key = ?1 AND t BETWEEN ?2 AND ?3")?;
            let mut ins = tx.prepare("INSERT OR REPLACE INTO flags (meter_key, t, kind, detail) VALUES (?1, ?2, ?3, ?4)")?;
            for (meter_key, from_s, to_s, flags) in batch {
                del.execute(params![meter_key, from_s, to_s])?;
                for (t, kind, detail) in flags {
                    ins.execute(params![meter_key, t, kind, detail])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn flags(&self, from_s: i64, to_s: i64) -> Result<Vec<StoredFlag>, StoreError> {
        let mut stmt =
            self.db.prepare("SELECT meter_key, t, kind, detail FROM flags WHERE t BETWEEN ?1 AND ?2 ORDER BY meter_key, t")?;
        let rows = stmt.query_map([from_s, to_s], |r| {
            Ok(StoredFlag { meter_key: r.get::<_, i64>(0)? as u32, t_s: r.get(1)?, kind: r.get(2)?, detail: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes the readings of `from_day..=to_day` under `out/readings/day=YYYY-MM-DD/readings.parquet`
    /// with the meter's id as text and the value as a double, plus nothing else: what DuckDB,
    /// Polars, pyarrow or Spark read with `read_parquet('out/readings/*/*.parquet')`. Values are
    /// canonical (m³, m³/h, m), and the file's key-value metadata says so
    /// ([`CANONICAL_VALUES_KEY`](crate::CANONICAL_VALUES_KEY)).
    pub fn export_parquet(&self, out: &Path, from_day: i32, to_day: i32) -> Result<ExportCounts, StoreError> {
        let ids: HashMap<u32, String> = self.meters()?.into_iter().map(|m| (m.key, m.meter_id)).collect();
        let schema = Arc::new(
            parse_message_type(
                "message readings {
                   REQUIRED BYTE_ARRAY meter_id (STRING);
                   REQUIRED INT64 time (TIMESTAMP(MILLIS,true));
                   REQUIRED DOUBLE value;
                 }",
            )
            .expect("static schema"),
        );
        let props = Arc::new(
            WriterProperties::builder()
                // Says the values are canonical, so that `oasis meters ingest` reading this file
                // back does not apply the register's unit and multiplier a second time.
                .set_key_value_metadata(Some(vec![KeyValue::new(
                    crate::CANONICAL_VALUES_KEY.to_string(),
                    crate::CANONICAL_VALUES.to_string(),
                )]))
                .set_compression(Compression::SNAPPY)
                .set_column_dictionary_enabled(ColumnPath::from("time"), false)
                .set_column_encoding(ColumnPath::from("time"), Encoding::DELTA_BINARY_PACKED)
                .build(),
        );
        let mut counts = ExportCounts::default();
        self.for_each_day(from_day, to_day, |day, cols| {
            let dir = out.join("readings").join(days::day_dir_name(day));
            std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
            let path = dir.join("readings.parquet");
            let pq = |e| StoreError::parquet(&path, e);
            let file = File::create(&path).map_err(|e| StoreError::io(&path, e))?;
            let mut w = SerializedFileWriter::new(file, schema.clone(), props.clone()).map_err(pq)?;
            for start in (0..cols.len()).step_by(1 << 20) {
                let end = (start + (1 << 20)).min(cols.len());
                let mut names = Vec::with_capacity(end - start);
                for &k in &cols.meter[start..end] {
                    let id = ids.get(&k).ok_or_else(|| StoreError::Corrupt(format!("readings of unknown meter key {k}")))?;
                    names.push(ByteArray::from(id.as_str()));
                }
                let ms: Vec<i64> = cols.t_s[start..end].iter().map(|t| t * 1000).collect();
                let values: Vec<f64> = cols.micro[start..end].iter().map(|&m| from_micro(m)).collect();
                let mut rg = w.next_row_group().map_err(pq)?;
                let mut c = rg.next_column().map_err(pq)?.expect("meter_id");
                c.typed::<ByteArrayType>().write_batch(&names, None, None).map_err(pq)?;
                c.close().map_err(pq)?;
                let mut c = rg.next_column().map_err(pq)?.expect("time");
                c.typed::<Int64Type>().write_batch(&ms, None, None).map_err(pq)?;
                c.close().map_err(pq)?;
                let mut c = rg.next_column().map_err(pq)?.expect("value");
                c.typed::<DoubleType>().write_batch(&values, None, None).map_err(pq)?;
                c.close().map_err(pq)?;
                rg.close().map_err(pq)?;
            }
            w.close().map_err(pq)?;
            counts.files += 1;
            counts.rows += cols.len() as u64;
            Ok(())
        })?;
        Ok(counts)
    }
}
