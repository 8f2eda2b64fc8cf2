//! Ingest: readings come in any order, are held by day, and each day is merged with what is
//! stored. A reading already stored with the same value is a duplicate; with another value it is
//! a conflict, kept aside for review (the stored value wins: nothing stored changes); only new
//! readings are written. So the same file twice, or overlapping files, count each reading once.
//!
//! Each flush is one commit: the merged day files are written (synced, renamed) first, then one
//! SQLite transaction points the days at them and records the counts, conflicts and rejected lines
//! of this flush. A process killed anywhere keeps every earlier flush and loses none of it.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::params;

use crate::days::{self, DayColumns};
use crate::{MeterStore, Store, StoreError};

#[derive(Debug, Clone, Copy)]
pub struct IngestSettings {
    /// Readings held in memory before the completed days are merged and committed.
    pub flush_rows: usize,
}

impl Default for IngestSettings {
    fn default() -> Self {
        IngestSettings { flush_rows: 12_000_000 }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub lines: u64,
    pub new: u64,
    pub duplicate: u64,
    pub conflicting: u64,
    pub rejected: u64,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    meter: u32,
    t_s: i64,
    micro: i64,
    line: u64,
}

struct Rejected {
    line: u64,
    field: String,
    message: String,
    text: String,
}

struct Conflict {
    meter: u32,
    t_s: i64,
    stored: i64,
    offered: i64,
    line: u64,
}

/// One ingest of one source (a file); `finish` commits what is left.
pub struct IngestSession<'s> {
    store: &'s mut Store,
    id: i64,
    source: String,
    settings: IngestSettings,
    pending: BTreeMap<i32, Vec<Pending>>,
    pending_rows: usize,
    rejected: Vec<Rejected>,
    /// Counts committed so far.
    committed: IngestCounts,
    /// Lines and rejections seen since the last commit.
    lines_since: u64,
    /// Files written by this session (names are `part-<ingest>-<n>`).
    files: u64,
    /// The store's write lock, held until the session ends.
    _lock: std::fs::File,
}

pub(crate) fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Store {
    /// Starts an ingest, first waiting for any other process's ingest into this store to end.
    pub fn begin_ingest(&mut self, source: &str, settings: IngestSettings) -> Result<IngestSession<'_>, StoreError> {
        let lock = self.write_lock()?;
        self.db.execute("INSERT INTO ingests (source, started_unix) VALUES (?1, ?2)", params![source, now_unix()])?;
        let id = self.db.last_insert_rowid();
        Ok(IngestSession {
            store: self,
            id,
            source: source.to_string(),
            settings,
            pending: BTreeMap::new(),
            pending_rows: 0,
            rejected: Vec::new(),
            committed: IngestCounts::default(),
            lines_since: 0,
            files: 0,
            _lock: lock,
        })
    }
}

impl IngestSession<'_> {
    /// The store this session writes to (to look up meters while parsing).
    pub fn store(&self) -> &Store {
        self.store
    }

    /// The store, to register meters the file names (their own transaction).
    pub fn store_mut(&mut self) -> &mut Store {
        self.store
    }

    /// A parsed reading from `line` of the source: meter key, instant, canonical value.
    pub fn push(&mut self, meter: u32, t_s: i64, value: f64, line: u64) -> Result<(), StoreError> {
        let micro = crate::to_micro(value)?;
        let day = self.store.day_of(t_s);
        self.pending.entry(day).or_default().push(Pending { meter, t_s, micro, line });
        self.pending_rows += 1;
        self.lines_since += 1;
        if self.pending_rows >= self.settings.flush_rows {
            self.flush(false)?;
        }
        Ok(())
    }

    /// A line that could not be read: kept with its text for review, never stored as a reading.
    pub fn reject(&mut self, line: u64, field: &str, message: &str, text: &str) {
        self.rejected.push(Rejected { line, field: field.into(), message: message.into(), text: text.into() });
        self.lines_since += 1;
    }

    /// Commits everything and returns the counts of the whole ingest.
    pub fn finish(mut self) -> Result<IngestCounts, StoreError> {
        self.flush(true)?;
        self.store.db.execute("UPDATE ingests SET finished_unix = ?1 WHERE id = ?2", params![now_unix(), self.id])?;
        Ok(self.committed)
    }

    /// Merges and commits the held days: all of them at the end, else all but the newest (input in
    /// time order is still filling it), unless it alone holds more than twice the flush size.
    fn flush(&mut self, all: bool) -> Result<(), StoreError> {
        let mut days: Vec<i32> = self.pending.keys().copied().collect();
        if !all && days.len() > 1 {
            days.pop();
        }
        if !all && days.is_empty() {
            return Ok(());
        }
        let mut counts = IngestCounts { lines: self.lines_since, rejected: self.rejected.len() as u64, ..Default::default() };
        let mut conflicts = Vec::new();
        let mut writes = Vec::new();
        for day in days {
            let mut batch = self.pending.remove(&day).unwrap_or_default();
            self.pending_rows -= batch.len();
            batch.sort_by_key(|p| (p.meter, p.t_s, p.line));
            let old = self.store.partition(day)?;
            let existing = match &old {
                Some(file) => days::read_day(&days::day_path(&self.store.dir, day, file), None)?,
                None => DayColumns::default(),
            };
            let (merged, added) = merge(&existing, &batch, &mut counts, &mut conflicts);
            if added == 0 {
                continue;
            }
            self.files += 1;
            let file = format!("part-{}-{}.parquet", self.id, self.files);
            let path = days::day_path(&self.store.dir, day, &file);
            let index = days::write_day(&path, &merged)?;
            writes.push((day, file, merged.len(), index, old));
        }
        self.commit(counts, &conflicts, &writes)?;
        // Only once the new files are committed are the old ones garbage.
        for (day, _, _, _, old) in &writes {
            if let Some(old) = old {
                let _ = std::fs::remove_file(days::day_path(&self.store.dir, *day, old));
            }
        }
        self.rejected.clear();
        self.lines_since = 0;
        self.committed.lines += counts.lines;
        self.committed.new += counts.new;
        self.committed.duplicate += counts.duplicate;
        self.committed.conflicting += counts.conflicting;
        self.committed.rejected += counts.rejected;
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn commit(
        &mut self,
        counts: IngestCounts,
        conflicts: &[Conflict],
        writes: &[(i32, String, usize, Vec<days::MeterDay>, Option<String>)],
    ) -> Result<(), StoreError> {
        let tx = self.store.db.transaction()?;
        {
            let mut part = tx.prepare("INSERT OR REPLACE INTO partitions (day, file, rows) VALUES (?1, ?2, ?3)")?;
            let mut clear = tx.prepare("DELETE FROM meter_days WHERE day = ?1")?;
            let mut idx = tx.prepare(
                "INSERT INTO meter_days (meter_key, day, row_group, count, first_t, first_micro, last_t, last_micro, max_step)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (day, file, rows, index, _) in writes {
                part.execute(params![day, file, *rows as i64])?;
                clear.execute([day])?;
                for e in index {
                    idx.execute(params![
                        e.meter, day, e.row_group, e.count, e.first_t_s, e.first_micro, e.last_t_s, e.last_micro, e.max_step_s
                    ])?;
                }
            }
            let mut c = tx.prepare(
                "INSERT INTO conflicts (ingest, meter_key, t, stored_micro, offered_micro, source, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for k in conflicts {
                c.execute(params![self.id, k.meter, k.t_s, k.stored, k.offered, self.source, k.line as i64])?;
            }
            let mut r = tx.prepare(
                "INSERT INTO rejected (ingest, source, line, field, message, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for k in &self.rejected {
                r.execute(params![self.id, self.source, k.line as i64, k.field, k.message, k.text])?;
            }
            tx.execute(
                "UPDATE ingests SET lines = lines + ?1, new = new + ?2, duplicate = duplicate + ?3,
                 conflicting = conflicting + ?4, rejected = rejected + ?5 WHERE id = ?6",
                params![
                    counts.lines as i64,
                    counts.new as i64,
                    counts.duplicate as i64,
                    counts.conflicting as i64,
                    counts.rejected as i64,
                    self.id
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Merges a sorted batch into a stored day; returns the merged columns and how many were new.
fn merge(
    existing: &DayColumns,
    batch: &[Pending],
    counts: &mut IngestCounts,
    conflicts: &mut Vec<Conflict>,
) -> (DayColumns, u64) {
    let mut out = DayColumns::default();
    out.meter.reserve(existing.len() + batch.len());
    out.t_s.reserve(existing.len() + batch.len());
    out.micro.reserve(existing.len() + batch.len());
    let mut i = 0;
    let mut added = 0;
    let key = |c: &DayColumns, i: usize| (c.meter[i], c.t_s[i]);
    for p in batch {
        let k = (p.meter, p.t_s);
        while i < existing.len() && key(existing, i) < k {
            out.push(existing.meter[i], existing.t_s[i], existing.micro[i]);
            i += 1;
        }
        // The value already there for this meter and time: stored, or earlier in this batch.
        let there = if out.len() > 0 && key(&out, out.len() - 1) == k {
            Some(out.micro[out.len() - 1])
        } else if i < existing.len() && key(existing, i) == k {
            out.push(existing.meter[i], existing.t_s[i], existing.micro[i]);
            i += 1;
            Some(existing.micro[i - 1])
        } else {
            None
        };
        match there {
            None => {
                out.push(p.meter, p.t_s, p.micro);
                added += 1;
            }
            Some(v) if v == p.micro => counts.duplicate += 1,
            Some(v) => {
                counts.conflicting += 1;
                conflicts.push(Conflict { meter: p.meter, t_s: p.t_s, stored: v, offered: p.micro, line: p.line });
            }
        }
    }
    while i < existing.len() {
        out.push(existing.meter[i], existing.t_s[i], existing.micro[i]);
        i += 1;
    }
    counts.new += added;
    (out, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(meter: u32, t_s: i64, micro: i64, line: u64) -> Pending {
        Pending { meter, t_s, micro, line }
    }

    #[test]
    fn merge_counts_new_duplicates_and_conflicts_and_keeps_the_stored_value() {
        let mut existing = DayColumns::default();
        existing.push(1, 100, 10);
        existing.push(1, 200, 20);
        existing.push(3, 100, 30);
        let batch = [p(1, 100, 10, 1), p(1, 150, 15, 2), p(1, 200, 99, 3), p(2, 100, 5, 4), p(2, 100, 5, 5), p(2, 100, 6, 6)];
        let mut counts = IngestCounts::default();
        let mut conflicts = Vec::new();
        let (out, added) = merge(&existing, &batch, &mut counts, &mut conflicts);
        assert_eq!(added, 2);
        assert_eq!((counts.new, counts.duplicate, counts.conflicting), (2, 2, 2));
        assert_eq!(out.meter, vec![1, 1, 1, 2, 3]);
        assert_eq!(out.t_s, vec![100, 150, 200, 100, 100]);
        assert_eq!(out.micro, vec![10, 15, 20, 5, 30]);
        assert_eq!((conflicts[0].stored, conflicts[0].offered, conflicts[0].line), (20, 99, 3));
        assert_eq!((conflicts[1].stored, conflicts[1].offered, conflicts[1].line), (5, 6, 6));
    }
}
