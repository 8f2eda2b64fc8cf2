//! Readings from a Parquet file: a meter column (text or integer), a time column (a timestamp of
//! any unit, or text) and a value column (any number type), read a row group at a time.

use std::fs::File;
use std::path::Path;

use anyhow::{Context, bail};
use parquet::basic::{LogicalType, TimeUnit, Type as PhysicalType};
use parquet::column::reader::ColumnReader;
use parquet::file::reader::{FileReader, SerializedFileReader};

/// A cell of the time column: an instant, or text still to be parsed.
pub enum TimeCell {
    Instant(i64),
    Text(String),
}

/// Whether the file says its values are canonical already (a Parquet export of the store).
pub fn values_are_canonical(path: &Path) -> anyhow::Result<bool> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = SerializedFileReader::new(file).with_context(|| format!("{}: not a Parquet file", path.display()))?;
    let kv = reader.metadata().file_metadata().key_value_metadata();
    Ok(kv.is_some_and(|kv| {
        kv.iter().any(|e| e.key == oasis_store::CANONICAL_VALUES_KEY && e.value.as_deref() == Some(oasis_store::CANONICAL_VALUES))
    }))
}

pub fn for_each_row(
    path: &Path,
    cols: [&str; 3],
    mut f: impl FnMut(u64, &str, TimeCell, f64) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = SerializedFileReader::new(file).with_context(|| format!("{}: not a Parquet file", path.display()))?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let mut idx = [0usize; 3];
    for (k, name) in cols.iter().enumerate() {
        idx[k] = (0..schema.num_columns())
            .find(|&i| schema.column(i).name() == *name)
            .with_context(|| format!("{}: no column '{name}'", path.display()))?;
    }
    let time_desc = schema.column(idx[1]);
    let divisor: i64 = match time_desc.logical_type_ref() {
        Some(LogicalType::Timestamp(ts)) => match ts.unit {
            TimeUnit::MILLIS => 1_000,
            TimeUnit::MICROS => 1_000_000,
            TimeUnit::NANOS => 1_000_000_000,
        },
        _ if time_desc.physical_type() == PhysicalType::BYTE_ARRAY => 0,
        _ => bail!("{}: column '{}' is neither a timestamp nor text", path.display(), cols[1]),
    };
    let mut row = 0u64;
    for g in 0..reader.num_row_groups() {
        let rg = reader.get_row_group(g)?;
        let n = rg.metadata().num_rows() as usize;
        let meters = read_text(rg.get_column_reader(idx[0])?, n, path, cols[0])?;
        let times: Vec<TimeCell> = if divisor == 0 {
            read_text(rg.get_column_reader(idx[1])?, n, path, cols[1])?.into_iter().map(TimeCell::Text).collect()
        } else {
            let mut v = Vec::with_capacity(n);
            match rg.get_column_reader(idx[1])? {
                ColumnReader::Int64ColumnReader(mut r) => {
                    r.read_records(n, None, None, &mut v)?;
                }
                _ => bail!("{}: column '{}' is not INT64", path.display(), cols[1]),
            }
            v.into_iter().map(|t| TimeCell::Instant(t.div_euclid(divisor))).collect()
        };
        let values = read_numbers(rg.get_column_reader(idx[2])?, n, path, cols[2])?;
        if meters.len() != n || times.len() != n || values.len() != n {
            bail!("{}: row group {g} has null cells (every column must be filled)", path.display());
        }
        for ((m, t), v) in meters.iter().zip(times).zip(values) {
            row += 1;
            f(row, m, t, v)?;
        }
    }
    Ok(())
}

fn read_text(col: ColumnReader, n: usize, path: &Path, name: &str) -> anyhow::Result<Vec<String>> {
    let mut defs = Vec::with_capacity(n);
    Ok(match col {
        ColumnReader::ByteArrayColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v.iter().map(|b| String::from_utf8_lossy(b.data()).into_owned()).collect()
        }
        ColumnReader::Int32ColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v.iter().map(|k| k.to_string()).collect()
        }
        ColumnReader::Int64ColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v.iter().map(|k| k.to_string()).collect()
        }
        _ => bail!("{}: column '{name}' is neither text nor an integer", path.display()),
    })
}

fn read_numbers(col: ColumnReader, n: usize, path: &Path, name: &str) -> anyhow::Result<Vec<f64>> {
    let mut defs = Vec::with_capacity(n);
    Ok(match col {
        ColumnReader::DoubleColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v
        }
        ColumnReader::FloatColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v.into_iter().map(f64::from).collect()
        }
        ColumnReader::Int64ColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v.into_iter().map(|x| x as f64).collect()
        }
        ColumnReader::Int32ColumnReader(mut r) => {
            let mut v = Vec::with_capacity(n);
            r.read_records(n, Some(&mut defs), None, &mut v)?;
            v.into_iter().map(f64::from).collect()
        }
        _ => bail!("{}: column '{name}' is not a number", path.display()),
    })
}
