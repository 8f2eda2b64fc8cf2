//! Quality flags after an ingest: each touched meter's series around what came in is checked
//! (gaps, rollovers, decreases, spikes, stuck runs) and its flags in that span replaced.

use oasis_metering::{FlagKind, QualitySettings, Reading, check_series};
use oasis_store::MeterStore;

use crate::{AuditError, Register};

/// Meters per read of the store (bounds memory on a city of a million meters).
const CHUNK: usize = 2_000;

pub fn kind_name(kind: &FlagKind) -> &'static str {
    match kind {
        FlagKind::Gap { .. } => "gap",
        FlagKind::Rollover => "rollover",
        FlagKind::Decrease => "decrease",
        FlagKind::Spike => "spike",
        FlagKind::Stuck { .. } => "stuck",
        FlagKind::DstRepeat => "dst_repeat",
        FlagKind::Negative => "negative",
        FlagKind::Unsorted => "unsorted",
        FlagKind::DuplicateTime => "duplicate_time",
        FlagKind::NotFinite => "not_finite",
        FlagKind::OutsideService => "outside_service",
    }
}

/// Checks the meters in `touched` (indexed by meter key: the span of what came in) and stores
/// their flags, with the daylight-saving repeats the ingest saw. Returns the number of flags.
pub fn check_touched(
    store: &mut dyn MeterStore,
    register: &Register,
    touched: &[Option<(i64, i64)>],
    dst: &[(u32, i64)],
) -> Result<u64, AuditError> {
    let by_key = register.by_key();
    let keys: Vec<u32> = (0..touched.len() as u32).filter(|&k| touched[k as usize].is_some()).collect();
    let settings = QualitySettings::default();
    let mut total = 0u64;
    for chunk in keys.chunks(CHUNK) {
        // A day either side, so a gap or a step across the edge of the new data is seen.
        let from = chunk.iter().filter_map(|&k| touched[k as usize]).map(|s| s.0).min().unwrap_or(0) - 86_400;
        let to = chunk.iter().filter_map(|&k| touched[k as usize]).map(|s| s.1).max().unwrap_or(0) + 86_400;
        let series = store.readings(chunk, from, to)?;
        let mut batch = Vec::with_capacity(chunk.len());
        for &k in chunk {
            let Some(meter) = by_key.get(&k) else { continue };
            let readings: Vec<Reading> =
                series.get(&k).map(|s| s.iter().map(|r| Reading { t_s: r.t_s, value: r.value }).collect()).unwrap_or_default();
            let mut flags: Vec<(i64, String, String)> = check_series(meter, &readings, &settings)
                .into_iter()
                .map(|f| (f.t_s, kind_name(&f.kind).to_string(), f.detail))
                .collect();
            flags.extend(
                dst.iter()
                    .filter(|(key, _)| *key == k)
                    .map(|(_, t)| (*t, "dst_repeat".to_string(), "local time occurred twice (daylight saving ended); read as the second".to_string())),
            );
            total += flags.len() as u64;
            batch.push((k, from, to, flags));
        }
        store.replace_flags(&batch)?;
    }
    Ok(total)
}
