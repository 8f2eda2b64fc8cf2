//! The meter register and the districts, as the store keeps them: the register's columns as text,
//! exactly as `docs/meter-data.md` names them (the metering crate parses and checks them), and the
//! districts with the meters that feed and bill them.

use rusqlite::params;

use crate::{Store, StoreError};

/// The register's columns (docs/meter-data.md), in the order `StoredMeter::fields` holds them
/// after `meter_id`: the metering crate's list, so the two cannot drift apart.
pub use oasis_metering::register::COLUMNS as REGISTER_COLUMNS;

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMeter {
    /// The store's number for the meter (what the reading files hold).
    pub key: u32,
    pub meter_id: String,
    /// `REGISTER_COLUMNS[1..]`, empty = not given.
    pub fields: Vec<Option<String>>,
}

impl StoredMeter {
    pub fn field(&self, column: &str) -> Option<&str> {
        if column == "meter_id" {
            return Some(&self.meter_id);
        }
        let i = REGISTER_COLUMNS.iter().position(|c| *c == column)?;
        self.fields[i - 1].as_deref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeterRole {
    /// A boundary meter: its signed reading is input to the district.
    Inlet,
    /// A customer meter billed in the district.
    Customer,
    /// A tank level meter inside the district (storage change).
    Level,
    /// A pressure meter inside the district.
    Pressure,
}

impl MeterRole {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MeterRole::Inlet => "inlet",
            MeterRole::Customer => "customer",
            MeterRole::Level => "level",
            MeterRole::Pressure => "pressure",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<MeterRole> {
        Some(match s {
            "inlet" => MeterRole::Inlet,
            "customer" => MeterRole::Customer,
            "level" => MeterRole::Level,
            "pressure" => MeterRole::Pressure,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredDistrict {
    pub id: String,
    pub level: u8,
    pub parent: Option<String>,
    pub junctions: u64,
    pub mains_length_m: f64,
    pub mains_length_dn75_m: f64,
    pub connections: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictMeter {
    pub district: String,
    pub meter_id: String,
    pub role: MeterRole,
    /// +1 when the meter's positive reading is water into the district, −1 out (inlets);
    /// tank area in m² for level meters; 1 otherwise.
    pub sign: f64,
}

impl Store {
    /// Adds meters or updates those already registered (a meter keeps its key, so its readings
    /// stay its own). All or nothing.
    pub fn upsert_meters(&mut self, meters: &[(String, Vec<Option<String>>)]) -> Result<(usize, usize), StoreError> {
        let tx = self.db.transaction()?;
        let (mut added, mut updated) = (0, 0);
        {
            let cols = &REGISTER_COLUMNS[1..];
            let sets: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect();
            let mut update = tx.prepare(&format!("UPDATE meters SET {} WHERE meter_id = ?1", sets.join(", ")))?;
            let marks: Vec<String> = (1..=REGISTER_COLUMNS.len()).map(|i| format!("?{i}")).collect();
            let mut insert = tx.prepare(&format!(
                "INSERT INTO meters ({}) VALUES ({})",
                REGISTER_COLUMNS.join(", "),
                marks.join(", ")
            ))?;
            for (id, fields) in meters {
                let mut values: Vec<Option<&str>> = vec![Some(id.as_str())];
                values.extend(fields.iter().map(|f| f.as_deref().filter(|s| !s.is_empty())));
                values.resize(REGISTER_COLUMNS.len(), None);
                if update.execute(rusqlite::params_from_iter(values.iter()))? == 1 {
                    updated += 1;
                } else {
                    insert.execute(rusqlite::params_from_iter(values.iter()))?;
                    added += 1;
                }
            }
        }
        tx.commit()?;
        Ok((added, updated))
    }

    pub fn meters(&self) -> Result<Vec<StoredMeter>, StoreError> {
        let mut stmt = self
            .db
            .prepare(&format!("SELECT key, {} FROM meters ORDER BY key", REGISTER_COLUMNS.join(", ")))?;
        let rows = stmt.query_map([], |r| {
            let mut fields = Vec::with_capacity(REGISTER_COLUMNS.len() - 1);
            for i in 2..=REGISTER_COLUMNS.len() {
                fields.push(r.get::<_, Option<String>>(i)?);
            }
            Ok(StoredMeter { key: r.get::<_, i64>(0)? as u32, meter_id: r.get(1)?, fields })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces every district with a newly built set, with the notes of the build (open
    /// boundaries, districts without an inlet…). All or nothing.
    pub fn replace_districts(
        &mut self,
        source: &str,
        districts: &[StoredDistrict],
        meters: &[DistrictMeter],
        notes: &[String],
    ) -> Result<(), StoreError> {
        let tx = self.db.transaction()?;
        tx.execute_batch("DELETE FROM district_meters; DELETE FROM districts; DELETE FROM district_notes;")?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO districts (district_id, level, parent, junctions, mains_length_m, mains_length_dn75_m, connections)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for d in districts {
                ins.execute(params![
                    d.id,
                    d.level,
                    d.parent,
                    d.junctions as i64,
                    d.mains_length_m,
                    d.mains_length_dn75_m,
                    d.connections as i64
                ])?;
            }
            let mut ins = tx.prepare(
                "INSERT OR REPLACE INTO district_meters (district_id, meter_id, role, sign) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for m in meters {
                ins.execute(params![m.district, m.meter_id, m.role.as_str(), m.sign])?;
            }
            let mut ins = tx.prepare("INSERT INTO district_notes (source, note) VALUES (?1, ?2)")?;
            for n in notes {
                ins.execute(params![source, n])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn districts(&self) -> Result<Vec<StoredDistrict>, StoreError> {
        let mut stmt = self.db.prepare(
            "SELECT district_id, level, parent, junctions, mains_length_m, mains_length_dn75_m, connections
             FROM districts ORDER BY level, district_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredDistrict {
                id: r.get(0)?,
                level: r.get(1)?,
                parent: r.get(2)?,
                junctions: r.get::<_, i64>(3)? as u64,
                mains_length_m: r.get(4)?,
                mains_length_dn75_m: r.get(5)?,
                connections: r.get::<_, i64>(6)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn district_meters(&self) -> Result<Vec<DistrictMeter>, StoreError> {
        let mut stmt =
            self.db.prepare("SELECT district_id, meter_id, role, sign FROM district_meters ORDER BY district_id, meter_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (district, meter_id, role, sign) = row?;
            let role = MeterRole::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("district meter role '{role}'")))?;
            out.push(DistrictMeter { district, meter_id, role, sign });
        }
        Ok(out)
    }

    pub fn district_notes(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.db.prepare("SELECT note FROM district_notes ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
