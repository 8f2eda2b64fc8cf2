//! Opening the CSV inputs of `oasis air` and `oasis water`, with their shared
//! header check.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::fs::File;
use std::path::Path;

use anyhow::{Context, bail};

/// Opens `path` (fields trimmed) and maps its header's columns (see
/// [`header_columns`]).
pub fn open<'a>(
    path: &Path,
    required: &[&'a str],
    optional: &[&'a str],
) -> anyhow::Result<(csv::Reader<File>, BTreeMap<&'a str, usize>)> {
    let file = path.display();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot open {file}"))?;
    let headers = rdr.headers().with_context(|| format!("{file}: cannot read the header line"))?;
    let col = header_columns(&file, headers, required, optional)?;
    Ok((rdr, col))
}

/// Maps each column of `headers` to its position. Every `required` column must
/// be there and `optional` ones may be; an unknown or repeated column is an
/// error that names the file and what was expected.
fn header_columns<'a>(
    file: &dyn Display,
    headers: &csv::StringRecord,
    required: &[&'a str],
    optional: &[&'a str],
) -> anyhow::Result<BTreeMap<&'a str, usize>> {
    let expected = format!("{}{}", required.join(","), optional.iter().map(|o| format!("[,{o}]")).collect::<String>());
    let mut col = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        match required.iter().chain(optional).find(|&&k| k == h) {
            Some(&k) => {
                if col.insert(k, i).is_some() {
                    bail!("{file}: column '{h}' appears twice in the header");
                }
            }
            None => bail!("{file}: unknown column '{h}' in the header (expected {expected})"),
        }
    }
    let missing: Vec<&str> = required.iter().copied().filter(|k| !col.contains_key(k)).collect();
    if !missing.is_empty() {
        bail!("{file}: missing column(s) {} (expected {expected})", missing.join(","));
    }
    Ok(col)
}
