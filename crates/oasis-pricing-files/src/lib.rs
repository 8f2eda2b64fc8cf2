//! The pricing data files of `docs/pricing.md` — customers, meter readings, the quota register,
//! plans and the monthly split — read from their paths (`load_*`) or from bytes kept elsewhere
//! (`parse_*`, the server's document store) into `oasis-tariff`'s values. Shared by the
//! `oasis` command and the server, the two edges that read them; every error names the file, the
//! line and the field, for people (so `anyhow`, as at the edges).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, bail};
use oasis_tariff::billing::{Customer, WaterPlan};
use oasis_tariff::meter::{Reading, ReadingEvent};
use oasis_tariff::period::Period;
use oasis_tariff::quota::{self, AnnualPlan, PlanBasis, PlanItem, QuotaEntry, QuotaRegister};
use oasis_tariff::{Decimal, NaiveDate};

// ---------------------------------------------------------------------------------------------
// CSV helpers: every error names the file, the line and the field.

pub struct Row {
    pub file: String,
    pub line: u64,
    pub fields: BTreeMap<String, String>,
}

impl Row {
    pub fn at(&self) -> String {
        format!("{} line {}", self.file, self.line)
    }
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(|s| s.trim()).unwrap_or("")
    }
    pub fn required(&self, name: &str) -> anyhow::Result<&str> {
        let v = self.text(name);
        if v.is_empty() {
            bail!("{}: field '{name}' is empty", self.at());
        }
        Ok(v)
    }
    pub fn decimal(&self, name: &str) -> anyhow::Result<Option<Decimal>> {
        let v = self.text(name);
        if v.is_empty() {
            return Ok(None);
        }
        Decimal::from_str(v)
            .or_else(|_| Decimal::from_scientific(v))
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{}: field '{name}' = '{v}' is not a number", self.at()))
    }
    pub fn required_decimal(&self, name: &str) -> anyhow::Result<Decimal> {
        self.decimal(name)?.ok_or_else(|| anyhow::anyhow!("{}: field '{name}' is empty", self.at()))
    }
}

/// A data file's name (as its errors show it) and its bytes.
pub type Named<'a> = (&'a str, &'a [u8]);

fn read(path: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {file}"))?;
    Ok((file, bytes))
}

pub fn read_csv(path: &Path, required: &[&str]) -> anyhow::Result<Vec<Row>> {
    let (file, bytes) = read(path)?;
    parse_csv((&file, &bytes), required)
}

pub fn parse_csv((file, bytes): Named, required: &[&str]) -> anyhow::Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).from_reader(bytes);
    let headers: Vec<String> = reader.headers().with_context(|| format!("{file}: no header row"))?.iter().map(String::from).collect();
    for r in required {
        if !headers.iter().any(|h| h == r) {
            bail!("{file}: missing column '{r}' (columns are: {})", headers.join(","));
        }
    }
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.with_context(|| format!("{file}: malformed CSV"))?;
        let line = rec.position().map_or(0, |p| p.line());
        let fields = headers.iter().cloned().zip(rec.iter().map(String::from)).collect();
        rows.push(Row { file: file.to_string(), line, fields });
    }
    Ok(rows)
}

pub fn parse_bool(row: &Row, name: &str) -> anyhow::Result<bool> {
    match row.text(name).to_ascii_lowercase().as_str() {
        "" | "no" | "false" | "0" | "n" => Ok(false),
        "yes" | "true" | "1" | "y" => Ok(true),
        other => bail!("{}: field '{name}' = '{other}' is not yes/no", row.at()),
    }
}

/// A customer record plus the fields only reports need.
pub struct CustomerRow {
    pub customer: Customer,
    pub sector: String,
    pub district: String,
}

pub fn load_customers(path: &Path) -> anyhow::Result<Vec<CustomerRow>> {
    let (file, bytes) = read(path)?;
    parse_customers((&file, &bytes))
}

pub fn parse_customers(file: Named) -> anyhow::Result<Vec<CustomerRow>> {
    let rows = parse_csv(file, &["customer", "class"])?;
    let mut out: Vec<CustomerRow> = Vec::new();
    for r in rows {
        let id = r.required("customer")?.to_string();
        if out.iter().any(|c| c.customer.id == id) {
            bail!("{}: customer {id} appears twice", r.at());
        }
        let persons = match r.text("persons") {
            "" => None,
            p => Some(p.parse::<u32>().map_err(|_| anyhow::anyhow!("{}: field 'persons' = '{p}' is not a whole number", r.at()))?),
        };
        out.push(CustomerRow {
            customer: Customer {
                id,
                name: r.text("name").to_string(),
                class: r.text("class").to_string(),
                persons,
                restricted: parse_bool(&r, "restricted")?,
                register_capacity_m3: r.decimal("register_capacity_m3")?,
                record: r.at(),
            },
            sector: r.text("sector").to_string(),
            district: r.text("district").to_string(),
        });
    }
    Ok(out)
}

pub fn load_readings(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<Reading>>> {
    let (file, bytes) = read(path)?;
    parse_readings((&file, &bytes))
}

pub fn parse_readings(file: Named) -> anyhow::Result<BTreeMap<String, Vec<Reading>>> {
    let rows = parse_csv(file, &["customer", "date", "reading_m3"])?;
    let mut out: BTreeMap<String, Vec<Reading>> = BTreeMap::new();
    for r in rows {
        let date_text = r.required("date")?;
        let date = NaiveDate::from_str(date_text)
            .map_err(|_| anyhow::anyhow!("{}: field 'date' = '{date_text}' is not a date like 2025-03-20", r.at()))?;
        let event = match r.text("event").to_ascii_lowercase().as_str() {
            "" | "regular" | "read" => ReadingEvent::Regular,
            "removed" => ReadingEvent::Removed,
            "installed" => ReadingEvent::Installed,
            other => bail!("{}: field 'event' = '{other}' must be empty, removed or installed", r.at()),
        };
        out.entry(r.required("customer")?.to_string()).or_default().push(Reading {
            date,
            register_m3: r.required_decimal("reading_m3")?,
            event,
            record: r.at(),
        });
    }
    Ok(out)
}

pub fn parse_register(file: Named) -> anyhow::Result<QuotaRegister> {
    let rows = parse_csv(file, &["code", "value_m3_per_unit"])?;
    let mut entries = Vec::new();
    for r in rows {
        entries.push(QuotaEntry {
            code: r.required("code")?.to_string(),
            sector: r.text("sector").to_string(),
            industry_code: r.text("industry_code").to_string(),
            product: r.text("product").to_string(),
            unit: r.text("unit").to_string(),
            tier: r.text("tier").to_string(),
            value_m3_per_unit: r.required_decimal("value_m3_per_unit")?,
            record: r.at(),
        });
    }
    QuotaRegister::new(entries).map_err(|errs| {
        anyhow::anyhow!("quota register {}:\n  {}", file.0, errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n  "))
    })
}

pub fn parse_plan_items(file: Named) -> anyhow::Result<Vec<PlanItem>> {
    let rows = parse_csv(file, &["customer", "quota_code", "planned_output", "direct_plan_m3"])?;
    let mut items = Vec::new();
    for r in rows {
        let customer = r.required("customer")?.to_string();
        let basis = match (r.text("quota_code"), r.decimal("planned_output")?, r.decimal("direct_plan_m3")?) {
            (code, Some(output), None) if !code.is_empty() => PlanBasis::Quota { code: code.to_string(), planned_output: output },
            ("", None, Some(v)) => PlanBasis::Direct { volume_m3: v },
            _ => bail!("{}: give either quota_code with planned_output, or direct_plan_m3", r.at()),
        };
        items.push(PlanItem { customer, basis, record: r.at() });
    }
    Ok(items)
}

pub fn parse_split(file: Option<Named>, year: i32) -> anyhow::Result<[Decimal; 12]> {
    let mut weights = [Decimal::ZERO; 12];
    let Some(file) = file else {
        // Default: in proportion to the days of each month.
        for (i, w) in weights.iter_mut().enumerate() {
            let m = i as u32 + 1;
            let p = Period::Month { year, month: m };
            *w = Decimal::from((p.end_exclusive() - p.start()).num_days());
        }
        return Ok(weights);
    };
    let rows = parse_csv(file, &["month", "weight"])?;
    let mut seen = [false; 12];
    for r in rows {
        let m: usize = r.required("month")?.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(|| anyhow::anyhow!("{}: field 'month' must be 1–12", r.at()))?;
        if seen[m - 1] {
            bail!("{}: month {m} appears twice", r.at());
        }
        seen[m - 1] = true;
        weights[m - 1] = r.required_decimal("weight")?;
    }
    if let Some(m) = seen.iter().position(|s| !s) {
        bail!("{}: no weight for month {}", file.0, m + 1);
    }
    Ok(weights)
}

pub struct Plans {
    pub annual: BTreeMap<String, AnnualPlan>,
    pub water: BTreeMap<String, WaterPlan>,
    pub errors: Vec<String>,
}

pub fn load_plans(register: &Path, plans: &Path, split: Option<&Path>, year: i32) -> anyhow::Result<Plans> {
    let (register, plans) = (read(register)?, read(plans)?);
    let split = split.map(read).transpose()?;
    parse_plans((&register.0, &register.1), (&plans.0, &plans.1), split.as_ref().map(|(f, b)| (f.as_str(), b.as_slice())), year)
}

pub fn parse_plans(register: Named, plans: Named, split: Option<Named>, year: i32) -> anyhow::Result<Plans> {
    let register = parse_register(register)?;
    let items = parse_plan_items(plans)?;
    let weights = parse_split(split, year)?;
    let (annual, errs) = quota::annual_plans(&register, &items);
    let mut water = BTreeMap::new();
    for (c, p) in &annual {
        water.insert(c.clone(), quota::water_plan(p, &weights)?);
    }
    Ok(Plans { annual, water, errors: errs.iter().map(|e| e.to_string()).collect() })
}

