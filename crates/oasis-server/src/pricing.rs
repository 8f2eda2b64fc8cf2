//! Water rights and prices: tariffs (admins replace them), bills with the clerk's lines, plan vs
//! actual (quota) reports and the dual-control report, from the `pricing/` documents.
//!
//! The CSV loaders are `oasis-pricing-files` (the same as `oasis bill` and `oasis quota` use,
//! messages naming file, line and field); the rules are `oasis-tariff`'s.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::HeaderMap;
use oasis_tariff::billing::{self, Customer};
use oasis_tariff::dual_control::{self, DualControlInput};
use oasis_tariff::meter::{MeterHistory, Reading};
use oasis_tariff::period::Period;
use oasis_tariff::quota::{self, PlanVsActual};
use oasis_tariff::tariff::{Tariff, TariffSchedule};
use oasis_tariff::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

use oasis_pricing_files::{CustomerRow, Plans, parse_customers, parse_plans, parse_readings};
use oasis_store::DocumentStore;

use crate::auth::{self, Role};
use crate::error::{ApiError, ApiResult};
use crate::state::{Shared, doc_text, loaded, valid_id};

// ---------------------------------------------------------------------------------------------
// What the routes serve

/// The pricing documents, read.
pub struct PricingData {
    pub tariffs: Vec<(String, Tariff, Vec<String>)>,
    pub schedule: TariffSchedule,
    customers: Vec<CustomerRow>,
    readings: BTreeMap<String, Vec<Reading>>,
}

fn load_tariff_text(text: &str) -> anyhow::Result<(Tariff, Vec<oasis_tariff::tariff::Finding>)> {
    Ok(Tariff::from_toml_str(text)?)
}

impl PricingData {
    pub fn load(docs: &dyn DocumentStore) -> Result<PricingData, String> {
        Self::read(docs).map_err(|e| format!("{e:#}"))
    }

    fn read(docs: &dyn DocumentStore) -> anyhow::Result<PricingData> {
        let mut tariffs = Vec::new();
        for n in docs.list("pricing")?.into_iter().filter(|n| n.starts_with("tariff-") && n.ends_with(".toml")) {
            let text = doc_text(docs, "pricing", &n).map_err(anyhow::Error::msg)?.with_context(|| format!("no pricing/{n}"))?;
            let (t, warnings) = load_tariff_text(&text).with_context(|| format!("tariff pricing/{n}"))?;
            tariffs.push((n, t, warnings.iter().map(|w| w.to_string()).collect()));
        }
        let schedule = TariffSchedule::new(tariffs.iter().map(|t| t.1.clone()).collect())?;
        Ok(PricingData {
            customers: parse_customers(("pricing/customers.csv", &required(docs, "customers.csv")?))?,
            readings: parse_readings(("pricing/readings.csv", &required(docs, "readings.csv")?))?,
            tariffs,
            schedule,
        })
    }
}

/// A `pricing/` document that must be there.
fn required(docs: &dyn DocumentStore, id: &str) -> anyhow::Result<Vec<u8>> {
    docs.get("pricing", id)?.with_context(|| format!("no pricing/{id}"))
}

/// The plans of `year` from the quota register, the plans and the monthly split (if any), read
/// when a report asks (as the `oasis quota` command reads its files).
fn plans(docs: &dyn DocumentStore, year: i32) -> anyhow::Result<Plans> {
    let split = docs.get("pricing", "plan-split.csv")?;
    parse_plans(
        ("pricing/quota-register.csv", &required(docs, "quota-register.csv")?),
        ("pricing/plans.csv", &required(docs, "plans.csv")?),
        split.as_deref().map(|b| ("pricing/plan-split.csv", b)),
        year,
    )
}

fn pricing(state: &Shared) -> ApiResult<Arc<PricingData>> {
    loaded(&state.pricing, "pricing")
}

fn dp(d: Decimal, places: u32) -> String {
    format!("{:.*}", places as usize, d.round_dp(places))
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A price with at least two decimals (3.10, 1.55, 0.525), as on a price notice.
fn price(d: Decimal) -> String {
    let d = d.normalize();
    if d.scale() < 2 { dp(d, 2) } else { d.to_string() }
}

pub async fn tariffs(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let p = pricing(&state)?;
    Ok(Json(json!(p
        .tariffs
        .iter()
        .map(|(file, t, warnings)| json!({
            "file": file, "code": t.code, "name": t.name, "valid_from": t.valid_from.to_string(),
            "valid_until": t.valid_until.map(|d| d.to_string()), "source": t.source,
            "classes": t.classes.keys().collect::<Vec<_>>(), "residential": t.residential.is_some(), "warnings": warnings,
        }))
        .collect::<Vec<_>>())))
}

/// `PUT /api/tariffs/{name}` (admin): adds or replaces `pricing/tariff-{name}.toml`. The file is
/// checked alone and with the others (overlapping versions); a bad one is refused with every
/// problem by field.
pub async fn put_tariff(State(state): State<Shared>, headers: HeaderMap, UrlPath(name): UrlPath<String>, body: Bytes) -> ApiResult<Json<Value>> {
    auth::write(&state, &headers, Role::Admin)?;
    if !valid_id(&name) {
        return Err(ApiError::bad_request(format!("tariff name '{name}': use 1 to 64 of a-z, 0-9, '-' and '_'")));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::invalid("bad_toml", "the tariff is not UTF-8 text"))?;
    let (t, warnings) = load_tariff_text(text).map_err(|e| ApiError::invalid("bad_tariff", format!("tariff {name}: {e:#}")))?;
    let file = format!("tariff-{name}.toml");
    let p = pricing(&state)?;
    let mut versions: Vec<Tariff> = p.tariffs.iter().filter(|x| x.0 != file).map(|x| x.1.clone()).collect();
    versions.push(t.clone());
    TariffSchedule::new(versions).map_err(|e| ApiError::invalid("bad_tariff", format!("tariff {name}: {e}")))?;
    state.docs.put("pricing", &file, &body)?;
    let fresh = PricingData::load(&*state.docs).map_err(|e| ApiError::invalid("bad_tariff", e))?;
    *state.pricing.write().unwrap_or_else(|e| e.into_inner()) = Ok(Arc::new(fresh));
    Ok(Json(json!({"file": file, "code": t.code, "warnings": warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>()})))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

fn period(q: Option<String>, default: &str) -> ApiResult<Period> {
    let s = q.unwrap_or_else(|| default.to_string());
    s.parse().map_err(|e: oasis_tariff::period::PeriodParseError| ApiError::bad_request(format!("period '{s}': {e}")))
}

/// `GET /api/bills?period=2025-03`: every customer's bill with its lines; held-back customers
/// with the reason.
pub async fn bills(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<PeriodQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let p = pricing(&state)?;
    let period = period(q.period, "2025-03")?;
    let plans = plans(&*state.docs, period.year()).map_err(|e| ApiError::invalid("bad_plans", format!("{e:#}")))?;
    let list: Vec<Customer> = p.customers.iter().map(|c| c.customer.clone()).collect();
    let run = billing::bill_customers(&list, &p.readings, &p.schedule, &plans.water, period);
    let grand: Decimal = run.bills.iter().map(|b| b.total).sum();
    Ok(Json(json!({
        "period": period.to_string(),
        "bills": run.bills.iter().map(|b| json!({
            "customer": b.customer, "from": b.from.to_string(), "to": b.to.to_string(), "volume_m3": num(b.volume_m3),
            "tariffs": b.tariffs, "total": dp(b.total, 2), "notes": b.notes,
            "lines": b.lines.iter().map(|l| json!({"component": l.component, "band": l.band, "volume_m3": num(l.volume_m3), "unit_price": price(l.unit_price), "amount": dp(l.amount, 2)})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "total": dp(grand, 2),
        "held": run.held.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        "plan_problems": plans.errors,
    })))
}

fn pva(r: &PlanVsActual) -> Value {
    json!({"key": r.key, "plan_m3": dp(r.plan_m3, 2), "actual_m3": dp(r.actual_m3, 2), "over_plan_m3": dp(r.over_m3(), 2), "percent_of_plan": r.percent_of_plan().map(|p| format!("{p:.1}"))})
}

/// `GET /api/quota/report?period=2025-Q1`: plan vs actual by user, sector and district.
pub async fn quota_report(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<PeriodQuery>) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    let p = pricing(&state)?;
    let period = period(q.period, "2025-Q1")?;
    let plans = plans(&*state.docs, period.year()).map_err(|e| ApiError::invalid("bad_plans", format!("{e:#}")))?;
    let mut rows: Vec<(String, String, PlanVsActual)> = Vec::new();
    let mut held = Vec::new();
    let mut without_plan = Vec::new();
    for c in &p.customers {
        let Some(plan) = plans.water.get(&c.customer.id) else {
            without_plan.push(c.customer.id.clone());
            continue;
        };
        let meter = MeterHistory::new(p.readings.get(&c.customer.id).cloned().unwrap_or_default(), c.customer.register_capacity_m3);
        match meter.period_usage(period) {
            Ok(u) => rows.push((c.sector.clone(), c.district.clone(), PlanVsActual { key: c.customer.id.clone(), plan_m3: plan.for_period(period), actual_m3: u.volume_m3 })),
            Err(e) => held.push(format!("customer {}: {e}", c.customer.id)),
        }
    }
    let by_sector = quota::group_totals(rows.iter().map(|r| (r.0.as_str(), &r.2)));
    let by_district = quota::group_totals(rows.iter().map(|r| (r.1.as_str(), &r.2)));
    Ok(Json(json!({
        "period": period.to_string(),
        "by_user": rows.iter().map(|r| pva(&r.2)).collect::<Vec<_>>(),
        "by_sector": by_sector.iter().map(pva).collect::<Vec<_>>(),
        "by_district": by_district.iter().map(pva).collect::<Vec<_>>(),
        "without_plan": without_plan,
        "held": held,
        "plan_problems": plans.errors,
    })))
}

/// `GET /api/dual-control`: total use vs the caps, by sector and source, and the intensities.
pub async fn dual_control(State(state): State<Shared>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    auth::read(&state, &headers)?;
    Ok(Json(dual_control_json(&*state.docs)?))
}

pub fn dual_control_json(docs: &dyn DocumentStore) -> ApiResult<Value> {
    let text = doc_text(docs, "pricing", "dual-control.toml").map_err(ApiError::internal)?.ok_or_else(|| ApiError::not_found("no pricing/dual-control.toml"))?;
    let input = DualControlInput::from_toml_str(&text).map_err(|e| ApiError::invalid("bad_dual_control", format!("pricing/dual-control.toml: {e}")))?;
    let r = dual_control::report(&input);
    let ground = r.by_source.get(&dual_control::Source::Ground).copied().unwrap_or_default();
    let intensity = |i: &dual_control::Intensity| json!({"base": dp(i.base_m3_per_10k_yuan, 2), "comparable": dp(i.comparable_m3_per_10k_yuan, 2), "decline_pct": dp(i.decline_pct, 2), "target_pct": i.target_decline_pct.map(|d| d.to_string()), "met": i.meets_target()});
    Ok(json!({
        "region": input.region, "year": input.year, "base_year": input.base_year,
        "total_m3": dp(r.total_m3, 0), "total_cap_m3": input.targets.total_use_cap_m3.map(|d| dp(d, 0)),
        "groundwater_m3": dp(ground, 0), "groundwater_cap_m3": input.targets.groundwater_cap_m3.map(|d| dp(d, 0)),
        "by_sector": r.by_sector.iter().map(|(s, v)| (format!("{s:?}").to_lowercase(), json!(dp(*v, 0)))).collect::<serde_json::Map<_, _>>(),
        "by_source": r.by_source.iter().map(|(s, v)| (format!("{s:?}").to_lowercase(), json!(dp(*v, 0)))).collect::<serde_json::Map<_, _>>(),
        "gdp_intensity": intensity(&r.gdp_intensity),
        "industry_intensity": intensity(&r.industry_intensity),
        "irrigation_eta": r.irrigation.region.map(|e| dp(e, 4)),
        "irrigation_eta_min": input.targets.irrigation_efficiency_min.map(|d| d.to_string()),
    }))
}
