//! One day of readings as one Parquet file: `readings/day=YYYY-MM-DD/<name>.parquet`, rows sorted
//! by meter and time, a row group never splitting one meter's day (so the index can point a
//! meter-day at exactly one row group).
//!
//! Columns: `meter_key` INT32, `time` TIMESTAMP(MILLIS, UTC) INT64, `value` DECIMAL(18,6) INT64,
//! all DELTA_BINARY_PACKED: sorted keys, regular time steps and slowly rising registers all
//! become small deltas, so the file stays small without a general-purpose codec, and any Parquet
//! reader (DuckDB, Polars, pyarrow, Spark) reads it as it is.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, Encoding};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{Int32Type, Int64Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

use crate::StoreError;

/// Rows per row group, at least (a group is closed at the first meter boundary after this).
const ROW_GROUP_ROWS: usize = 65_536;

/// Readings held in memory as three parallel columns, sorted by (meter, time).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DayColumns {
    pub meter: Vec<u32>,
    pub t_s: Vec<i64>,
    /// Canonical value in millionths (m³, m³/h or m × 1e6).
    pub micro: Vec<i64>,
}

impl DayColumns {
    pub fn len(&self) -> usize {
        self.meter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meter.is_empty()
    }

    pub fn push(&mut self, meter: u32, t_s: i64, micro: i64) {
        self.meter.push(meter);
        self.t_s.push(t_s);
        self.micro.push(micro);
    }
}

/// What the index keeps of one meter's day.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterDay {
    pub meter: u32,
    /// The day file's row group that holds the meter (embedded store; 0 in PostgreSQL).
    pub row_group: u32,
    pub count: u32,
    pub first_t_s: i64,
    pub first_micro: i64,
    pub last_t_s: i64,
    pub last_micro: i64,
    /// Longest step between consecutive readings of the day (0 for one reading).
    pub max_step_s: i64,
}

const SCHEMA: &str = "
message readings {
  REQUIRED INT32 meter_key;
  REQUIRED INT64 time (TIMESTAMP(MILLIS,true));
  REQUIRED INT64 value (DECIMAL(18,6));
}";

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_compression(Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .set_encoding(Encoding::DELTA_BINARY_PACKED)
        // A day has few distinct stamps (96 at 15 minutes) but they restart at every meter, which
        // costs delta encoding a wide miniblock each time; dictionary indices are ~1 byte.
        .set_column_dictionary_enabled(ColumnPath::from("time"), true)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_max_row_group_row_count(None)
        .build()
}

/// Writes `cols` (sorted) to `path` through a temporary file that is synced and renamed, so a
/// crash leaves either no file or the whole file. Returns the index entries.
pub fn write_day(path: &Path, cols: &DayColumns) -> Result<Vec<MeterDay>, StoreError> {
    let tmp = path.with_extension("parquet.tmp");
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
    }
    let file = File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    let schema = Arc::new(parse_message_type(SCHEMA).expect("static schema"));
    let pq = |e| StoreError::parquet(&tmp, e);
    let mut writer = SerializedFileWriter::new(file, schema, Arc::new(properties())).map_err(pq)?;
    let mut index = Vec::new();
    let mut start = 0;
    let mut group = 0u32;
    while start < cols.len() {
        let mut end = (start + ROW_GROUP_ROWS).min(cols.len());
        while end < cols.len() && cols.meter[end] == cols.meter[end - 1] {
            end += 1;
        }
        let ms: Vec<i64> = cols.t_s[start..end].iter().map(|t| t * 1000).collect();
        let keys: Vec<i32> = cols.meter[start..end].iter().map(|&k| k as i32).collect();
        let mut rg = writer.next_row_group().map_err(pq)?;
        let mut col = rg.next_column().map_err(pq)?.expect("meter_key");
        col.typed::<Int32Type>().write_batch(&keys, None, None).map_err(pq)?;
        col.close().map_err(pq)?;
        let mut col = rg.next_column().map_err(pq)?.expect("time");
        col.typed::<Int64Type>().write_batch(&ms, None, None).map_err(pq)?;
        col.close().map_err(pq)?;
        let mut col = rg.next_column().map_err(pq)?.expect("value");
        col.typed::<Int64Type>().write_batch(&cols.micro[start..end], None, None).map_err(pq)?;
        col.close().map_err(pq)?;
        rg.close().map_err(pq)?;
        index_group(cols, start, end, group, &mut index);
        start = end;
        group += 1;
    }
    let mut file = writer.into_inner().map_err(pq)?;
    file.flush().map_err(|e| StoreError::io(&tmp, e))?;
    file.sync_all().map_err(|e| StoreError::io(&tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
    if let Some(dir) = path.parent() {
        // The rename is durable only once the directory is synced.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(index)
}

fn index_group(cols: &DayColumns, start: usize, end: usize, group: u32, index: &mut Vec<MeterDay>) {
    let mut i = start;
    while i < end {
        let meter = cols.meter[i];
        let mut j = i + 1;
        let mut max_step_s = 0;
        while j < end && cols.meter[j] == meter {
            max_step_s = max_step_s.max(cols.t_s[j] - cols.t_s[j - 1]);
            j += 1;
        }
        index.push(MeterDay {
            meter,
            row_group: group,
            count: (j - i) as u32,
            first_t_s: cols.t_s[i],
            first_micro: cols.micro[i],
            last_t_s: cols.t_s[j - 1],
            last_micro: cols.micro[j - 1],
            max_step_s,
        });
        i = j;
    }
}

/// Reads a whole day file, or only the given row groups.
pub fn read_day(path: &Path, groups: Option<&[u32]>) -> Result<DayColumns, StoreError> {
    let file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let pq = |e| StoreError::parquet(path, e);
    let reader = SerializedFileReader::new(file).map_err(pq)?;
    let all: Vec<u32> = (0..reader.num_row_groups() as u32).collect();
    let groups = groups.unwrap_or(&all);
    let mut out = DayColumns::default();
    for &g in groups {
        if g as usize >= reader.num_row_groups() {
            return Err(StoreError::Corrupt(format!("{}: no row group {g}", path.display())));
        }
        let rg = reader.get_row_group(g as usize).map_err(pq)?;
        let rows = rg.metadata().num_rows() as usize;
        let mut keys: Vec<i32> = Vec::with_capacity(rows);
        let mut ms: Vec<i64> = Vec::with_capacity(rows);
        let mut micro: Vec<i64> = Vec::with_capacity(rows);
        match rg.get_column_reader(0).map_err(pq)? {
            ColumnReader::Int32ColumnReader(mut r) => {
                r.read_records(rows, None, None, &mut keys).map_err(pq)?;
            }
            _ => return Err(StoreError::Corrupt(format!("{}: meter_key is not INT32", path.display()))),
        }
        for (c, dst) in [(1, &mut ms), (2, &mut micro)] {
            match rg.get_column_reader(c).map_err(pq)? {
                ColumnReader::Int64ColumnReader(mut r) => {
                    r.read_records(rows, None, None, dst).map_err(pq)?;
                }
                _ => return Err(StoreError::Corrupt(format!("{}: column {c} is not INT64", path.display()))),
            }
        }
        if keys.len() != rows || ms.len() != rows || micro.len() != rows {
            return Err(StoreError::Corrupt(format!("{}: row group {g} is short", path.display())));
        }
        out.meter.extend(keys.iter().map(|&k| k as u32));
        out.t_s.extend(ms.iter().map(|m| m.div_euclid(1000)));
        out.micro.extend_from_slice(&micro);
    }
    Ok(out)
}

/// `day=YYYY-MM-DD` for a day number (days since 1970-01-01 in the store's clock).
pub fn day_dir_name(day: i32) -> String {
    let date = chrono::DateTime::from_timestamp(day as i64 * 86_400, 0).map(|t| t.date_naive());
    match date {
        Some(d) => format!("day={}", d.format("%Y-%m-%d")),
        None => format!("day=@{day}"),
    }
}

pub fn day_path(root: &Path, day: i32, file: &str) -> PathBuf {
    root.join("readings").join(day_dir_name(day)).join(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_directories_are_named_by_their_date() {
        assert_eq!(day_dir_name(0), "day=1970-01-01");
        assert_eq!(day_dir_name(19_782), "day=2024-02-29");
        assert_eq!(day_dir_name(19_783), "day=2024-03-01");
        assert_eq!(day_dir_name(-1), "day=1969-12-31");
    }

    #[test]
    fn a_day_file_reads_back_whole_and_by_row_group() {
        let dir = std::env::temp_dir().join(format!("oasis-store-day-{}", std::process::id()));
        let path = dir.join("d.parquet");
        let mut cols = DayColumns::default();
        // 700 meters × 96 readings: more than one row group, each meter inside one.
        for m in 0..700u32 {
            for i in 0..96i64 {
                cols.push(m * 3, 1_700_000_000 + i * 900, (m as i64) * 1_000_000 + i * 1234 - 5);
            }
        }
        let index = write_day(&path, &cols).unwrap();
        assert_eq!(index.len(), 700);
        assert!(index.iter().any(|e| e.row_group > 0), "expected several row groups");
        assert_eq!(read_day(&path, None).unwrap(), cols);
        let e = &index[650];
        let part = read_day(&path, Some(&[e.row_group])).unwrap();
        let mine: Vec<i64> =
            part.meter.iter().zip(&part.micro).filter(|(k, _)| **k == e.meter).map(|(_, v)| *v).collect();
        assert_eq!(mine.len(), 96);
        assert_eq!(mine[0], e.first_micro);
        assert_eq!(*mine.last().unwrap(), e.last_micro);
        assert_eq!(e.max_step_s, 900);
        fs::remove_dir_all(&dir).unwrap();
    }
}
