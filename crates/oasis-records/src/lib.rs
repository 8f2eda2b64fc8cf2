//! oasis-records: the row reader the ecology ledgers share. CSV *text* in
//! (the caller reads the file), rows out; every problem is a [`RecordError`]
//! naming the file, the line and the field. Lines starting with `#` are
//! comments (data files carry their sources there). Numbers are exact
//! decimals ([`Decimal`]), never binary floating point. No I/O.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

pub use rust_decimal::Decimal;

/// Where a value came from: file, 1-based line, field (column name).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: String,
    pub line: u64,
    pub field: String,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}:{}", self.file, self.line)
        } else {
            write!(f, "{}:{}: field '{}'", self.file, self.line, self.field)
        }
    }
}

/// A problem with one value or row of an input file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct RecordError {
    pub at: Loc,
    pub message: String,
}

/// One data row with its header names.
#[derive(Clone, Debug)]
pub struct Row {
    file: Arc<str>,
    line: u64,
    headers: Arc<HashMap<String, usize>>,
    fields: Vec<String>,
}

impl Row {
    pub fn line(&self) -> u64 {
        self.line
    }
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The location of `field` in this row.
    pub fn loc(&self, field: &str) -> Loc {
        Loc {
            file: self.file.to_string(),
            line: self.line,
            field: field.to_string(),
        }
    }
    /// An error about `field` of this row.
    pub fn err(&self, field: &str, message: impl Into<String>) -> RecordError {
        RecordError {
            at: self.loc(field),
            message: message.into(),
        }
    }
    /// The trimmed text of `field`; `None` when the column is absent or the cell empty.
    pub fn opt(&self, field: &str) -> Option<&str> {
        let i = *self.headers.get(field)?;
        let s = self.fields.get(i)?.trim();
        (!s.is_empty()).then_some(s)
    }
    /// The trimmed text of a required field.
    pub fn text(&self, field: &str) -> Result<&str, RecordError> {
        self.opt(field)
            .ok_or_else(|| self.err(field, "is empty but required"))
    }
    /// A required exact decimal.
    pub fn decimal(&self, field: &str) -> Result<Decimal, RecordError> {
        let s = self.text(field)?;
        parse_decimal(s).ok_or_else(|| self.err(field, format!("'{s}' is not a decimal number")))
    }
    /// An optional exact decimal (empty cell = `None`).
    pub fn opt_decimal(&self, field: &str) -> Result<Option<Decimal>, RecordError> {
        match self.opt(field) {
            None => Ok(None),
            Some(s) => parse_decimal(s)
                .map(Some)
                .ok_or_else(|| self.err(field, format!("'{s}' is not a decimal number"))),
        }
    }
    /// A required value parsed with `FromStr` (integers, years, enums).
    pub fn parse<T: FromStr>(&self, field: &str, what: &str) -> Result<T, RecordError> {
        let s = self.text(field)?;
        s.parse()
            .map_err(|_| self.err(field, format!("'{s}' is not {what}")))
    }
    /// An optional value parsed with `FromStr`.
    pub fn opt_parse<T: FromStr>(&self, field: &str, what: &str) -> Result<Option<T>, RecordError> {
        match self.opt(field) {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| self.err(field, format!("'{s}' is not {what}"))),
        }
    }
}

/// Exact decimal from text such as `389.31`, `-2`, `1e3` is refused (no exponents).
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty() || s.contains(['e', 'E']) {
        return None;
    }
    Decimal::from_str(s).ok()
}

/// Parse CSV text; `required` columns must be in the header.
pub fn parse_csv(file: &str, text: &str, required: &[&str]) -> Result<Vec<Row>, RecordError> {
    let file: Arc<str> = Arc::from(file);
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_err = |line: u64, field: &str, msg: String| RecordError {
        at: Loc {
            file: file.to_string(),
            line,
            field: field.to_string(),
        },
        message: msg,
    };
    let headers = rdr
        .headers()
        .map_err(|e| header_err(1, "", format!("bad header: {e}")))?
        .clone();
    let hline = headers.position().map(|p| p.line()).unwrap_or(1);
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if map.insert(h.to_string(), i).is_some() {
            return Err(header_err(hline, h, "column appears twice".into()));
        }
    }
    for r in required {
        if !map.contains_key(*r) {
            return Err(header_err(
                hline,
                r,
                "required column is missing from the header".into(),
            ));
        }
    }
    let headers = Arc::new(map);
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            header_err(line, "", format!("bad CSV row: {e}"))
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        rows.push(Row {
            file: file.clone(),
            line,
            headers: headers.clone(),
            fields: rec.iter().map(str::to_string).collect(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_line_and_field() {
        let text = "# source: test\na,b\n1,2\n3,x\n";
        let rows = parse_csv("t.csv", text, &["a", "b"]).unwrap();
        assert_eq!(rows[0].decimal("b").unwrap(), Decimal::from(2));
        let e = rows[1].decimal("b").unwrap_err();
        assert_eq!(
            e.at,
            Loc {
                file: "t.csv".into(),
                line: 4,
                field: "b".into()
            }
        );
        let e = parse_csv("t.csv", "a\n1\n", &["a", "b"]).unwrap_err();
        assert_eq!(e.at.field, "b");
        assert!(parse_decimal("1e3").is_none());
        assert_eq!(parse_decimal("389.31").unwrap().to_string(), "389.31");
    }
}
