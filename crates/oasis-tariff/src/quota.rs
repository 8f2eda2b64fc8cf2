//! The industry quota register (行业用水定额), users' yearly water-use plans (计划用水) with
//! their monthly split, allocation of available water by priority and in proportion to plan,
//! and plan-vs-actual reports.

use crate::billing::WaterPlan;
use crate::money::split_largest_remainder;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One row of the quota register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaEntry {
    /// Register key that plans refer to.
    pub code: String,
    /// Sector, e.g. `industry`, `services`, `domestic`.
    pub sector: String,
    /// GB/T 4754-2017 industry code, e.g. `C3216`.
    pub industry_code: String,
    pub product: String,
    /// Unit of output, e.g. `t`, `bed·d`, `student·a`.
    pub unit: String,
    /// Quota tier, e.g. `先进` / `通用`.
    pub tier: String,
    /// m³ per unit of output.
    pub value_m3_per_unit: Decimal,
    pub record: String,
}

/// One row of a user's plan: planned output × a register quota, or a directly assigned volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanBasis {
    Quota { code: String, planned_output: Decimal },
    Direct { volume_m3: Decimal },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub customer: String,
    pub basis: PlanBasis,
    pub record: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuotaError {
    #[error("{record}: quota code {code} appears twice in the register")]
    DuplicateCode { code: String, record: String },
    #[error("{record}: quota value {value} for {code} must be positive")]
    BadQuotaValue { code: String, value: Decimal, record: String },
    #[error("{record}: customer {customer} refers to unknown quota code {code}; the customer's plan is held back")]
    UnknownQuotaCode { customer: String, code: String, record: String },
    #[error("{record}: customer {customer} has a negative planned output or volume")]
    NegativePlan { customer: String, record: String },
    #[error("monthly split weights must be 12 non-negative numbers with a positive sum")]
    BadSplit,
    #[error("user {user} is in group '{group}', which is not in the priority order")]
    UnknownGroup { user: String, group: String },
    #[error("available water {0} m³ is negative")]
    NegativeAvailable(Decimal),
}

#[derive(Debug, Clone, Default)]
pub struct QuotaRegister {
    entries: BTreeMap<String, QuotaEntry>,
}

impl QuotaRegister {
    pub fn new(entries: Vec<QuotaEntry>) -> Result<Self, Vec<QuotaError>> {
        let mut map = BTreeMap::new();
        let mut errors = Vec::new();
        for e in entries {
            if e.value_m3_per_unit <= Decimal::ZERO {
                errors.push(QuotaError::BadQuotaValue { code: e.code.clone(), value: e.value_m3_per_unit, record: e.record.clone() });
            }
            if map.contains_key(&e.code) {
                errors.push(QuotaError::DuplicateCode { code: e.code.clone(), record: e.record.clone() });
            }
            map.insert(e.code.clone(), e);
        }
        if errors.is_empty() { Ok(QuotaRegister { entries: map }) } else { Err(errors) }
    }

    pub fn get(&self, code: &str) -> Option<&QuotaEntry> {
        self.entries.get(code)
    }

    pub fn entries(&self) -> impl Iterator<Item = &QuotaEntry> {
        self.entries.values()
    }
}

/// One term of a user's annual plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTerm {
    /// Quota code, or `direct` for an assigned volume.
    pub basis: String,
    pub planned_output: Option<Decimal>,
    pub quota_m3_per_unit: Option<Decimal>,
    pub volume_m3: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualPlan {
    pub customer: String,
    pub terms: Vec<PlanTerm>,
    /// Σ terms.
    pub annual_m3: Decimal,
}

/// Annual plans: Σ quota × planned output + direct volumes, per customer. A customer with a row
/// naming an unknown quota code gets no plan (held back), with the error.
pub fn annual_plans(register: &QuotaRegister, items: &[PlanItem]) -> (BTreeMap<String, AnnualPlan>, Vec<QuotaError>) {
    let mut plans: BTreeMap<String, AnnualPlan> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    for item in items {
        let term = match &item.basis {
            PlanBasis::Quota { code, planned_output } => match register.get(code) {
                None => {
                    errors.push(QuotaError::UnknownQuotaCode {
                        customer: item.customer.clone(),
                        code: code.clone(),
                        record: item.record.clone(),
                    });
                    bad.push(item.customer.clone());
                    continue;
                }
                Some(q) => PlanTerm {
                    basis: code.clone(),
                    planned_output: Some(*planned_output),
                    quota_m3_per_unit: Some(q.value_m3_per_unit),
                    volume_m3: q.value_m3_per_unit * planned_output,
                },
            },
            PlanBasis::Direct { volume_m3 } => {
                PlanTerm { basis: "direct".into(), planned_output: None, quota_m3_per_unit: None, volume_m3: *volume_m3 }
            }
        };
        if term.volume_m3 < Decimal::ZERO || term.planned_output.is_some_and(|o| o < Decimal::ZERO) {
            errors.push(QuotaError::NegativePlan { customer: item.customer.clone(), record: item.record.clone() });
            bad.push(item.customer.clone());
            continue;
        }
        let plan = plans.entry(item.customer.clone()).or_insert_with(|| AnnualPlan {
            customer: item.customer.clone(),
            terms: vec![],
            annual_m3: Decimal::ZERO,
        });
        plan.annual_m3 += term.volume_m3;
        plan.terms.push(term);
    }
    for c in bad {
        plans.remove(&c);
    }
    (plans, errors)
}

/// Split an annual plan into 12 monthly plans in proportion to `weights` (e.g. days per month,
/// or a seasonal profile), each rounded to 0.01 m³ by the largest-remainder method so the
/// months add up to the annual plan exactly.
pub fn split_monthly(annual_m3: Decimal, weights: &[Decimal; 12]) -> Result<[Decimal; 12], QuotaError> {
    if weights.iter().any(|w| *w < Decimal::ZERO) || weights.iter().copied().sum::<Decimal>() <= Decimal::ZERO {
        return Err(QuotaError::BadSplit);
    }
    let cent = Decimal::new(1, 2);
    // The annual plan itself may carry more decimals (quota × output): keep them in December
    // so that nothing is lost.
    let whole = (annual_m3 / cent).trunc() * cent;
    let parts = split_largest_remainder(whole, weights, cent);
    let mut out = [Decimal::ZERO; 12];
    out.copy_from_slice(&parts);
    out[11] += annual_m3 - whole;
    Ok(out)
}

/// Plan with its monthly split.
pub fn water_plan(plan: &AnnualPlan, weights: &[Decimal; 12]) -> Result<WaterPlan, QuotaError> {
    Ok(WaterPlan { annual_m3: plan.annual_m3, monthly_m3: split_monthly(plan.annual_m3, weights)? })
}

/// One user's claim on the available water.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub user: String,
    /// Priority group (e.g. `domestic`, `industry`, `landscape`).
    pub group: String,
    pub demand_m3: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub user: String,
    pub group: String,
    pub demand_m3: Decimal,
    pub allocated_m3: Decimal,
}

/// Allocate `available_m3` group by group in `priority` order: a group is served in full while
/// water lasts; the group where it runs out shares the rest in proportion to demand (0.01 m³,
/// largest remainder, so allocations add up exactly); later groups get nothing.
pub fn allocate(available_m3: Decimal, demands: &[Demand], priority: &[String]) -> Result<Vec<Allocation>, QuotaError> {
    if available_m3 < Decimal::ZERO {
        return Err(QuotaError::NegativeAvailable(available_m3));
    }
    for d in demands {
        if !priority.contains(&d.group) {
            return Err(QuotaError::UnknownGroup { user: d.user.clone(), group: d.group.clone() });
        }
    }
    let cent = Decimal::new(1, 2);
    let mut remaining = (available_m3 / cent).trunc() * cent;
    let mut out = Vec::new();
    for group in priority {
        let members: Vec<&Demand> = demands.iter().filter(|d| &d.group == group).collect();
        let need: Decimal = members.iter().map(|d| d.demand_m3).sum();
        let given: Vec<Decimal> = if need <= remaining {
            members.iter().map(|d| d.demand_m3).collect()
        } else {
            let weights: Vec<Decimal> = members.iter().map(|d| d.demand_m3).collect();
            split_largest_remainder(remaining, &weights, cent)
        };
        for (d, g) in members.iter().zip(given) {
            remaining -= g;
            out.push(Allocation { user: d.user.clone(), group: d.group.clone(), demand_m3: d.demand_m3, allocated_m3: g });
        }
    }
    Ok(out)
}

/// Plan against actual use for one user or one group of users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVsActual {
    pub key: String,
    pub plan_m3: Decimal,
    pub actual_m3: Decimal,
}

impl PlanVsActual {
    /// Use above plan (negative when below).
    pub fn over_m3(&self) -> Decimal {
        self.actual_m3 - self.plan_m3
    }
    /// Actual ÷ plan, percent, 0.1 % (None without a plan).
    pub fn percent_of_plan(&self) -> Option<Decimal> {
        (self.plan_m3 > Decimal::ZERO).then(|| (self.actual_m3 * Decimal::ONE_HUNDRED / self.plan_m3).round_dp(1))
    }
}

/// Sum rows by a grouping key (sector, district, …).
pub fn group_totals<'a>(rows: impl IntoIterator<Item = (&'a str, &'a PlanVsActual)>) -> Vec<PlanVsActual> {
    let mut map: BTreeMap<String, PlanVsActual> = BTreeMap::new();
    for (key, r) in rows {
        let e = map.entry(key.to_string()).or_insert_with(|| PlanVsActual {
            key: key.to_string(),
            plan_m3: Decimal::ZERO,
            actual_m3: Decimal::ZERO,
        });
        e.plan_m3 += r.plan_m3;
        e.actual_m3 += r.actual_m3;
    }
    map.into_values().collect()
}
