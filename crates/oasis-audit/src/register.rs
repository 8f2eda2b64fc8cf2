//! The register as the audits use it: the store's rows parsed into meters, by id.

use std::collections::HashMap;

use oasis_metering::Meter;
use oasis_store::{MeterStore, REGISTER_COLUMNS};

use crate::AuditError;

pub struct Register {
    entries: HashMap<String, RegisterEntry>,
    /// Stored rows that no longer parse (a register edited by hand), named.
    pub problems: Vec<String>,
}

pub struct RegisterEntry {
    /// The store's number for the meter.
    pub key: u32,
    pub meter: Meter,
}

impl Register {
    pub fn load(store: &dyn MeterStore) -> Result<Register, AuditError> {
        let mut entries = HashMap::new();
        let mut problems = Vec::new();
        let offset = store.utc_offset_s();
        for m in store.meters()? {
            match Meter::from_fields(|c| m.field(c), offset) {
                Ok(meter) => {
                    entries.insert(m.meter_id.clone(), RegisterEntry { key: m.key, meter });
                }
                Err(e) => problems.push(format!("meter {}: {e}", m.meter_id)),
            }
        }
        Ok(Register { entries, problems })
    }

    pub fn find(&self, id: &str) -> Option<&RegisterEntry> {
        self.entries.get(id)
    }

    /// Meters in key order.
    pub fn sorted(&self) -> Vec<&RegisterEntry> {
        let mut v: Vec<&RegisterEntry> = self.entries.values().collect();
        v.sort_by_key(|e| e.key);
        v
    }

    pub fn by_key(&self) -> HashMap<u32, &Meter> {
        self.entries.values().map(|e| (e.key, &e.meter)).collect()
    }

    pub fn meters(&self) -> Vec<Meter> {
        self.sorted().into_iter().map(|e| e.meter.clone()).collect()
    }
}

/// A meter as the store's row (`REGISTER_COLUMNS` order after the id).
pub fn register_row(meter: &Meter, utc_offset_s: i32) -> (String, Vec<Option<String>>) {
    let fields = meter.to_fields(utc_offset_s);
    let get = |c: &str| fields.iter().find(|(k, _)| *k == c).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    (meter.id.clone(), REGISTER_COLUMNS[1..].iter().map(|c| get(c)).collect())
}
