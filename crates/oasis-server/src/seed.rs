//! The demonstration city, written into an empty store on the first `oasis serve`: the demo
//! network, a districted synthetic city with meter readings (`oasis-citysim`), the air and water
//! samples and the pricing samples. Every file is inside the binary, so a fresh machine needs
//! nothing else.

use std::path::Path;

use oasis_store::DocumentStore;

/// (kind, id, contents) of each document
const FILES: &[(&str, &str, &str)] = &[
    ("networks", "demo.inp", include_str!("../../../examples/jinchang-demo.inp")),
    ("air", "hourly.csv", include_str!("../../../samples/air/jinchang_hourly.csv")),
    ("water", "samples.csv", include_str!("../../../samples/water/jinchang_sections.csv")),
    ("pricing", "tariff-2024.toml", include_str!("../../../samples/pricing/tariff-2024.toml")),
    ("pricing", "tariff-2025-07.toml", include_str!("../../../samples/pricing/tariff-2025-07.toml")),
    ("pricing", "customers.csv", include_str!("../../../samples/pricing/customers.csv")),
    ("pricing", "readings.csv", include_str!("../../../samples/pricing/readings.csv")),
    ("pricing", "quota-register.csv", include_str!("../../../samples/pricing/quota-register.csv")),
    ("pricing", "plans.csv", include_str!("../../../samples/pricing/plans.csv")),
    ("pricing", "plan-split.csv", include_str!("../../../samples/pricing/plan-split.csv")),
    ("pricing", "dual-control.toml", include_str!("../../../samples/pricing/dual-control-2025.toml")),
    ("pricing", "farms.csv", include_str!("../../../samples/pricing/farms.csv")),
    ("ecology", "targets.csv", include_str!("../../../samples/ecology/targets.csv")),
    ("ecology", "greening-projects.csv", include_str!("../../../samples/ecology/greening-projects.csv")),
];

/// Days of meter readings in the demonstration city (`OASIS_DEMO_DAYS` overrides, for tests).
pub fn demo_days() -> u32 {
    std::env::var("OASIS_DEMO_DAYS").ok().and_then(|v| v.parse().ok()).filter(|d| (1..=366).contains(d)).unwrap_or(14)
}

/// Seeds the documents unless they already hold a seeded or user data set (a document of any kind
/// the demonstration has), and loads the demonstration city into the meter store (`database`, or
/// `dir/meters/`) if that store has no meters yet.
pub fn seed_if_empty(docs: &dyn DocumentStore, dir: &Path, database: Option<&str>) -> anyhow::Result<bool> {
    let mut fresh = true;
    for kind in FILES.iter().map(|f| f.0).chain(["city"]) {
        fresh &= docs.list(kind)?.is_empty();
    }
    if fresh {
        for (kind, id, text) in FILES {
            docs.put(kind, id, text.as_bytes())?;
        }
        crate::districts::write_city(docs, demo_days())?;
    }
    if docs.list("city")?.iter().any(|id| id == "meters.csv") {
        let mut store = crate::districts::open_store(dir, database).map_err(anyhow::Error::msg)?;
        if store.meters()?.is_empty() {
            crate::districts::load_city(docs, &mut *store)?;
        }
    }
    Ok(fresh)
}
