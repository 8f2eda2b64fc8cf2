//! Volumes between two instants: from cumulative registers (with replacements and rollovers)
//! and from interval-volume or flow series.
//!
//! A register's value at an instant between two readings is linearly interpolated — the
//! billing module's proration by days, generalised to instants. Time not covered by readings on
//! both sides is reported as missing, never filled in.

use crate::register::{Meter, SeriesKind};
use crate::time::format_local_time;
use crate::{Reading, RegisterStep, register_step};

/// A tolerance on service dates, which the register often gives as days only.
const SERVICE_DATE_SLACK_S: i64 = 86_400;

/// How errors name the series `interval_volume` was given (it has no meter).
const INTERVAL_SERIES: &str = "(interval series)";

/// One register of a customer's chain and its canonical readings, sorted by time.
#[derive(Debug, Clone, Copy)]
pub struct MeterReadings<'a> {
    pub meter: &'a Meter,
    pub readings: &'a [Reading],
}

/// The volume through a chain of registers between two instants.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    /// Volume over the covered part of the span.
    pub volume_m3: f64,
    /// True when readings cover the whole span (no `missing`).
    pub complete: bool,
    /// Spans `(from, to)` not covered by readings on both sides.
    pub missing: Vec<(i64, i64)>,
    /// Readings that bound a counted interval.
    pub readings_used: usize,
    /// How the volume was obtained: rollovers, replacements, skipped readings, gaps.
    pub notes: Vec<String>,
}

/// A volume from an interval-volume or flow series, and what it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub volume_m3: f64,
    /// Seconds of the span covered by intervals that were counted.
    pub covered_s: i64,
    /// Spans `(from, to)` not covered.
    pub missing: Vec<(i64, i64)>,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UsageError {
    #[error("span from {from_s} to {to_s} is empty or reversed")]
    InvalidSpan { from_s: i64, to_s: i64 },
    #[error("no meter in the chain")]
    EmptyChain,
    #[error("meter {meter}: a {series} series has no register")]
    NotARegister { meter: String, series: &'static str },
    #[error("a {series} series is not a volume or flow series")]
    NotAnIntervalSeries { series: &'static str },
    #[error("maximum step {max_step_s} s must be positive")]
    InvalidMaxStep { max_step_s: i64 },
    #[error("meter {meter}: readings not sorted by time at t = {t_s}")]
    Unsorted { meter: String, t_s: i64 },
    #[error("meter {meter}: two different readings at t = {t_s}")]
    ConflictingDuplicate { meter: String, t_s: i64 },
    #[error("meter {meter}: negative register {value_m3} m³ at t = {t_s}")]
    NegativeRegister { meter: String, t_s: i64, value_m3: f64 },
    #[error(
        "meter {meter}: register fell from {previous_m3} to {register_m3} m³ at t = {t_s} and it is not a plausible rollover (no capacity declared, or more than half a turn)"
    )]
    Decrease { meter: String, t_s: i64, previous_m3: f64, register_m3: f64 },
    #[error("meter {new} has a reading at t = {t_s}, before the last reading of {old} it replaces")]
    ChainOverlap { old: String, new: String, t_s: i64 },
}

/// Checks order and drops exact repeats and non-finite values (noted); `meter` names errors.
fn clean(meter: &str, readings: &[Reading], notes: &mut Vec<String>) -> Result<Vec<Reading>, UsageError> {
    let mut out: Vec<Reading> = Vec::with_capacity(readings.len());
    let mut last_t: Option<i64> = None;
    for r in readings {
        if let Some(t) = last_t
            && r.t_s < t
        {
            return Err(UsageError::Unsorted { meter: meter.to_string(), t_s: r.t_s });
        }
        last_t = Some(r.t_s);
        if !r.value.is_finite() {
            notes.push(format!("meter {meter}: reading at t = {} is not a number, skipped", r.t_s));
            continue;
        }
        if let Some(prev) = out.last()
            && prev.t_s == r.t_s
        {
            if prev.value == r.value {
                continue;
            }
            return Err(UsageError::ConflictingDuplicate { meter: meter.to_string(), t_s: r.t_s });
        }
        out.push(*r);
    }
    Ok(out)
}

/// `(from, to)` minus the sorted, non-overlapping `covered` spans.
fn uncovered(from_s: i64, to_s: i64, covered: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut missing = Vec::new();
    let mut at = from_s;
    for &(a, b) in covered {
        if b <= at || a >= to_s {
            continue;
        }
        if a > at {
            missing.push((at, a));
        }
        at = at.max(b);
    }
    if at < to_s {
        missing.push((at, to_s));
    }
    missing
}

/// The length of `(a, b) ∩ (from, to)`, 0 if they do not overlap.
fn overlap(a: i64, b: i64, from_s: i64, to_s: i64) -> i64 {
    b.min(to_s).saturating_sub(a.max(from_s)).max(0)
}

/// Volume through a customer's registers between `from_s` and `to_s`.
///
/// `chain` lists the registers in replacement order (oldest first), each with canonical
/// readings sorted by time. Within a register the value at an instant is interpolated linearly
/// between the readings around it; across a replacement the old meter counts up to its last
/// reading and the new one from its first, and time between them is missing. A lower register
/// is a rollover only by the billing rule ([`register_step`]); otherwise it is an error, as is a
/// negative register. Readings outside the span are used only to interpolate at its ends.
pub fn register_usage(chain: &[MeterReadings], from_s: i64, to_s: i64) -> Result<Usage, UsageError> {
    if from_s >= to_s {
        return Err(UsageError::InvalidSpan { from_s, to_s });
    }
    if chain.is_empty() {
        return Err(UsageError::EmptyChain);
    }
    let mut notes = Vec::new();
    let mut volume = 0.0;
    let mut used = 0usize;
    let mut spans: Vec<(i64, i64)> = Vec::new();
    let mut previous: Option<(&str, i64)> = None; // last meter and its last reading time
    for mr in chain {
        let m = mr.meter;
        if m.series != SeriesKind::Register {
            return Err(UsageError::NotARegister { meter: m.id.clone(), series: m.series.as_str() });
        }
        let rs = clean(&m.id, mr.readings, &mut notes)?;
        if let Some(bad) = rs.iter().find(|r| r.value < 0.0) {
            return Err(UsageError::NegativeRegister { meter: m.id.clone(), t_s: bad.t_s, value_m3: bad.value });
        }
        let (Some(first), Some(last)) = (rs.first(), rs.last()) else {
            notes.push(format!("meter {}: no readings", m.id));
            continue;
        };
        let before_install = m.installed_s.is_some_and(|i| first.t_s < i.saturating_sub(SERVICE_DATE_SLACK_S));
        let after_removal = m.removed_s.is_some_and(|r| last.t_s > r.saturating_add(SERVICE_DATE_SLACK_S));
        if before_install || after_removal {
            notes.push(format!("meter {}: readings outside its installation/removal dates", m.id));
        }
        if let Some((old, old_last)) = previous {
            if first.t_s < old_last {
                return Err(UsageError::ChainOverlap { old: old.to_string(), new: m.id.clone(), t_s: first.t_s });
            }
            if old_last <= to_s && first.t_s >= from_s {
                notes.push(format!(
                    "meter {old} replaced by {}: old meter counted to its last reading ({}), new one from its first ({}) (UTC)",
                    m.id,
                    format_local_time(old_last, 0),
                    format_local_time(first.t_s, 0)
                ));
            }
        }
        previous = Some((m.id.as_str(), last.t_s));
        spans.push((first.t_s, last.t_s));
        let cap = m.register_capacity_m3();
        let mut last_used: Option<usize> = None;
        for (i, w) in rs.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let ov = overlap(a.t_s, b.t_s, from_s, to_s);
            if ov == 0 {
                continue;
            }
            let step = match register_step(a.value, b.value, cap) {
                RegisterStep::Increase(v) => v,
                RegisterStep::Rollover(v) => {
                    notes.push(format!(
                        "meter {}: register rollover at t = {}: {} → {} m³, counted as {v} m³",
                        m.id, b.t_s, a.value, b.value
                    ));
                    v
                }
                RegisterStep::Decrease => {
                    return Err(UsageError::Decrease {
                        meter: m.id.clone(),
                        t_s: b.t_s,
                        previous_m3: a.value,
                        register_m3: b.value,
                    });
                }
            };
            // Steps are strictly increasing here (repeats were dropped), so the division is safe.
            volume += step * (ov as f64 / b.t_s.saturating_sub(a.t_s) as f64);
            used += if last_used == Some(i) { 1 } else { 2 };
            last_used = Some(i + 1);
        }
    }
    let missing = uncovered(from_s, to_s, &spans);
    if let Some(&(a, _)) = missing.first()
        && a == from_s
    {
        notes.push("no reading at or before the start of the span".to_string());
    }
    if let Some(&(_, b)) = missing.last()
        && b == to_s
    {
        notes.push("no reading at or after the end of the span".to_string());
    }
    Ok(Usage { volume_m3: volume, complete: missing.is_empty(), missing, readings_used: used, notes })
}

/// Volume of a `Volume` or `Flow` series (canonical m³ or m³/h, sorted) in `(from_s, to_s]`.
///
/// Each value belongs to the interval from the previous time stamp to its own. A volume counts
/// in proportion to the part of its interval inside the span; a flow counts as flow × time. An
/// interval longer than `max_step_s` (a gap: the value's own interval is not known) or with a
/// non-finite value is missing, as is the time before the first stamp.
pub fn interval_volume(
    readings: &[Reading],
    series: SeriesKind,
    from_s: i64,
    to_s: i64,
    max_step_s: i64,
) -> Result<Coverage, UsageError> {
    if !matches!(series, SeriesKind::Volume | SeriesKind::Flow) {
        return Err(UsageError::NotAnIntervalSeries { series: series.as_str() });
    }
    if from_s >= to_s {
        return Err(UsageError::InvalidSpan { from_s, to_s });
    }
    if max_step_s <= 0 {
        return Err(UsageError::InvalidMaxStep { max_step_s });
    }
    // Non-finite values stay in (they end an interval that is then missing).
    let mut rs: Vec<Reading> = Vec::with_capacity(readings.len());
    for r in readings {
        match rs.last() {
            Some(p) if r.t_s < p.t_s => {
                return Err(UsageError::Unsorted { meter: INTERVAL_SERIES.to_string(), t_s: r.t_s });
            }
            Some(p) if r.t_s == p.t_s => {
                if p.value == r.value || (p.value.is_nan() && r.value.is_nan()) {
                    continue;
                }
                return Err(UsageError::ConflictingDuplicate { meter: INTERVAL_SERIES.to_string(), t_s: r.t_s });
            }
            _ => rs.push(*r),
        }
    }
    let mut volume = 0.0;
    let mut covered_s = 0i64;
    let mut covered: Vec<(i64, i64)> = Vec::new();
    for w in rs.windows(2) {
        let (a, b) = (w[0].t_s, w[1].t_s);
        let v = w[1].value;
        let dt = b.saturating_sub(a);
        if dt > max_step_s || !v.is_finite() {
            continue;
        }
        let ov = overlap(a, b, from_s, to_s);
        if ov == 0 {
            continue;
        }
        volume += match series {
            SeriesKind::Volume => v * (ov as f64 / dt as f64),
            _ => v * (ov as f64 / 3600.0),
        };
        covered_s = covered_s.saturating_add(ov);
        match covered.last_mut() {
            Some(last) if last.1 == a => last.1 = b,
            _ => covered.push((a, b)),
        }
    }
    Ok(Coverage { volume_m3: volume, covered_s, missing: uncovered(from_s, to_s, &covered) })
}
