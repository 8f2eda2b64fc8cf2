//! Hand-computed checks of every ledger line kind, a sink by stock change,
//! a 碳汇代偿 case, intensity and a scenario. The arithmetic is in the comments.

#![allow(clippy::result_large_err)]

use oasis_carbon::ledger::{self, Activity, Category};
use oasis_carbon::sinks::{self, CaseEvent, CompensationCase, ForestStand};
use oasis_carbon::{CarbonError, Decimal, Economy, FactorTable, Scenario, Sectors};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const FACTORS: &str = "\
factor,key,region,vintage,value,unit,source
# test factors (numbers as the doc's §1 defaults, or round ones)
ncv,natural_gas,,NDRC-2015,389.31,GJ/10^4Nm3,guideline appendix
cc,natural_gas,,NDRC-2015,15.3,tC/TJ,guideline appendix
of,natural_gas,,NDRC-2015,99,%,guideline appendix
grid,electricity,NW,2023,0.5543,tCO2/MWh,MEE+NBS 2025
process,CaCO3,,stoich,0.4397,tCO2/t,derived 44.01/100.09
carbon_content,coke,,test,0.84,tC/t,test
carbon_content,matte,,test,0.03,tC/t,test
heat,heat,,default,0.11,tCO2/GJ,doc recall
gwp,CH4,,SAR,21,tCO2e/t,IPCC SAR
wd,poplar,,test,0.5,t/m3,test
bef,poplar,,test,1.5,1,test
root_shoot,poplar,,test,0.2,1,test
cf,poplar,,test,0.5,tC/t,test
";

const HEAD: &str = "enterprise,sector,year,category,item,amount,unit,region,vintage\n";

fn table() -> FactorTable {
    FactorTable::from_csv_str("factors.csv", FACTORS).unwrap()
}

fn one(line: &str) -> Result<Decimal, CarbonError> {
    let acts = Activity::from_csv_str("act.csv", &format!("{HEAD}{line}\n"))?;
    Ok(ledger::line_emission(&acts[0], &table())?.co2e)
}

#[test]
fn combustion_line() {
    // 100 ×10⁴Nm³ × 389.31 GJ/10⁴Nm³ = 38 931 GJ; × 0.0153 tC/GJ = 595.6443 tC;
    // × 0.99 = 589.687857 tC; × 44 = 25 946.265708; / 12 = 2 162.188809 tCO2.
    assert_eq!(
        one("smelter,nonferrous,2023,combustion,natural_gas,100,10^4Nm3,,NDRC-2015").unwrap(),
        d("2162.188809")
    );
    // The same gas in Nm³ converts exactly (1 000 000 Nm³ = 100 ×10⁴Nm³).
    assert_eq!(
        one("smelter,nonferrous,2023,combustion,natural_gas,1000000,Nm3,,NDRC-2015").unwrap(),
        d("2162.188809")
    );
    // Gas in tonnes does not convert to the NCV's 10⁴Nm³: a named error.
    match one("smelter,nonferrous,2023,combustion,natural_gas,5,t,,NDRC-2015") {
        Err(CarbonError::Unit { at, unit, .. }) => {
            assert_eq!(
                (at.line, at.field.as_str(), unit.as_str()),
                (2, "unit", "t")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn purchased_electricity_with_dated_grid_factor() {
    // 1 000 000 kWh = 1 000 MWh × 0.5543 tCO2/MWh (NW grid, 2023 data) = 554.3 tCO2.
    assert_eq!(
        one("smelter,nonferrous,2023,purchased_electricity,grid,1000000,kWh,NW,2023").unwrap(),
        d("554.3")
    );
    // Exported: the same, negative.
    assert_eq!(
        one("plant,power,2023,exported_electricity,grid,1000,MWh,NW,2023").unwrap(),
        d("-554.3")
    );
    // No 2024 vintage in the table: an unknown-factor error, never the 2023 value.
    match one("smelter,nonferrous,2024,purchased_electricity,grid,1000,MWh,NW,2024") {
        Err(CarbonError::UnknownFactor {
            at, kind, vintage, ..
        }) => {
            assert_eq!(
                (at.line, kind.as_str(), vintage.as_str()),
                (2, "grid", "2024")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn process_lines_and_carbon_balance() {
    // Carbonate flux: 200 t CaCO3 × 0.4397 = 87.94 tCO2.
    assert_eq!(
        one("smelter,nonferrous,2023,process,CaCO3,200,t,,stoich").unwrap(),
        d("87.94")
    );
    // Coke as reductant: 1 000 t × 0.84 tC/t = 840 tC × 44/12 = 3 080 tCO2.
    assert_eq!(
        one("smelter,nonferrous,2023,feedstock,coke,1000,t,,test").unwrap(),
        d("3080")
    );
    // Carbon leaving in matte: 600 t × 0.03 = 18 tC × 44/12 = 66 tCO2, subtracted.
    assert_eq!(
        one("smelter,nonferrous,2023,carbon_output,matte,600,t,,test").unwrap(),
        d("-66")
    );
    // CH4 2 t × GWP 21 (SAR) = 42 tCO2e.
    assert_eq!(
        one("smelter,nonferrous,2023,gas,CH4,2,t,,SAR").unwrap(),
        d("42")
    );
}

#[test]
fn enterprise_total_in_guideline_structure() {
    let text = format!(
        "{HEAD}smelter,nonferrous,2023,combustion,natural_gas,100,10^4Nm3,,NDRC-2015
smelter,nonferrous,2023,feedstock,coke,1000,t,,test
smelter,nonferrous,2023,carbon_output,matte,600,t,,test
smelter,nonferrous,2023,process,CaCO3,200,t,,stoich
smelter,nonferrous,2023,purchased_electricity,grid,1000,MWh,NW,2023
smelter,nonferrous,2023,purchased_heat,heat,1000,GJ,,default
smelter,nonferrous,2023,exported_heat,heat,100,GJ,,default
"
    );
    let acts = Activity::from_csv_str("a.csv", &text).unwrap();
    let lines = ledger::line_emissions(&acts, &table()).unwrap();
    let t = &ledger::enterprise_totals(&lines).unwrap()[0];
    // feedstock net 3080 − 66 = 3014; heat 1000 × 0.11 = 110; exported 100 × 0.11 = 11.
    assert_eq!(t.feedstock, d("3014"));
    assert_eq!(t.purchased_heat, d("110"));
    assert_eq!(t.exported_heat, d("11"));
    // 2162.188809 + 3014 + 87.94 + 554.3 + 110 − 11 = 5917.428809
    assert_eq!(t.total, d("5917.428809"));
    assert_eq!(t.direct(), d("5264.128809"));
    assert!(Category::ExportedHeat.is_indirect());
}

#[test]
fn intensity_and_decline() {
    let text = format!(
        "{HEAD}smelter,nonferrous,2020,purchased_electricity,grid,10000,MWh,NW,2023
shops,commerce,2020,purchased_electricity,grid,1000,MWh,NW,2023
smelter,nonferrous,2023,purchased_electricity,grid,9000,MWh,NW,2023
shops,commerce,2023,purchased_electricity,grid,1000,MWh,NW,2023
"
    );
    let acts = Activity::from_csv_str("a.csv", &text).unwrap();
    let sectors = Sectors::from_csv_str(
        "s.csv",
        "sector,industrial,name\nnonferrous,yes,有色\ncommerce,no,商业\n",
    )
    .unwrap();
    sectors.check(&acts).unwrap();
    let econ = Economy::from_csv_str("e.csv", "year,gdp_wan_yuan,industrial_va_wan_yuan,source\n2020,5543,2000,test\n2023,5543,2217.2,test\n").unwrap();
    let inv = ledger::city_inventory(
        &ledger::enterprise_totals(&ledger::line_emissions(&acts, &table()).unwrap()).unwrap(),
    );
    let rows = ledger::intensity(&inv, &sectors, &econ, 2020).unwrap();
    // 2020: 11 000 MWh × 0.5543 = 6097.3 t / 5543 万元 = 1.1 t/万元;
    // 2023: 10 000 × 0.5543 = 5543 t / 5543 = 1.0 → decline (1.1 − 1.0)/1.1 = 9.0909…%.
    assert_eq!(rows[0].per_gdp, d("1.1"));
    assert_eq!(rows[1].per_gdp, d("1"));
    assert_eq!(rows[1].gdp_decline_pct.round_dp(4), d("9.0909"));
    // industrial: 2020 5543 / 2000 = 2.7715; 2023 4988.7 / 2217.2 = 2.25; decline 18.8165…%.
    assert_eq!(rows[1].per_industrial_va, d("2.25"));
    assert_eq!(rows[1].industrial_decline_pct.round_dp(4), d("18.8165"));
}

#[test]
fn scenario_grid_output_efficiency() {
    let text = format!(
        "{HEAD}smelter,nonferrous,2023,purchased_electricity,grid,1000,MWh,NW,2023\nsmelter,nonferrous,2023,process,CaCO3,200,t,,stoich\n"
    );
    let acts = Activity::from_csv_str("a.csv", &text).unwrap();
    let econ = Economy::from_csv_str(
        "e.csv",
        "year,gdp_wan_yuan,industrial_va_wan_yuan,source\n2023,1000,500,t\n",
    )
    .unwrap();
    let sc = Scenario::from_csv_str(
        "s.csv",
        "name,base_year,target_year,output_multiplier,efficiency_gain_pct,grid_factor,grid_source,gdp_multiplier\nw,2023,2030,1.2,10,0.4,assumed,1.5\n",
    )
    .unwrap();
    let r = ledger::run_scenario(&sc[0], &acts, &table(), &econ).unwrap();
    // base 554.3 + 87.94 = 642.24;
    // target: electricity 1000 × 1.2 × 0.9 = 1080 MWh × 0.4 = 432; process 200 × 1.2 × 0.4397 = 105.528 → 537.528.
    assert_eq!(r.base_total, d("642.24"));
    assert_eq!(r.total, d("537.528"));
    // per GDP 537.528 / 1500 = 0.358352
    assert_eq!(r.per_gdp, d("0.358352"));
}

#[test]
fn forest_sink_by_stock_change() {
    let stands = ForestStand::from_csv_str(
        "f.csv",
        "stand,county,species_group,factor_set,area_ha,year1,volume1_m3_per_ha,year2,volume2_m3_per_ha\nS1,永昌县,poplar,test,100,2015,50,2020,60\n",
    )
    .unwrap();
    let s = sinks::stand_sink(&stands[0], &table()).unwrap();
    // 100 ha × (60 − 50)/5 = 200 m³/yr × 0.5 = 100 t × 1.5 = 150 × 1.2 = 180 × 0.5 = 90 tC/yr × 44/12 = 330 tCO2/yr.
    assert_eq!(s.carbon_per_year, d("90"));
    assert_eq!(s.co2_per_year, d("330"));
    assert!(s.covers(2020) && !s.covers(2015));
}

#[test]
fn compensation_case_to_completion() {
    let cases = CompensationCase::from_csv_str(
        "c.csv",
        "case,basis,species_group,factor_set,volume_lost_m3,area_lost_ha,growth_m3_per_ha_yr,restoration_years,compensation_years,price_yuan_per_t,price_source\n\
         C1,judgment,poplar,test,24,0.5,2,10,20,60,test price\n",
    )
    .unwrap();
    let r = sinks::assess(&cases[0], &table()).unwrap();
    // C per m³ = 0.5 × 1.5 × 1.2 × 0.5 = 0.45 tC; lost stock 24 × 0.45 = 10.8 tC × 44/12 = 39.6 tCO2;
    // lost growth 0.5 ha × 2 m³ = 1 m³/yr × 0.45 = 0.45 tC = 1.65 tCO2/yr × 10 yr = 16.5; total 56.1.
    assert_eq!(r.lost_stock_co2, d("39.6"));
    assert_eq!(r.lost_sequestration_co2, d("16.5"));
    assert_eq!(r.total_co2, d("56.1"));
    // credits ⌈56.1⌉ = 57 t × 60 yuan = 3420.00; area: per ha 2 × 0.45 × 44/12 = 3.3 t/yr × 20 = 66 t;
    // 56.1 / 66 = 0.85 ha.
    assert_eq!(r.credits_needed_t, d("57"));
    assert_eq!(r.liability_yuan, d("3420.00"));
    assert_eq!(r.area_needed_ha, d("0.85"));
    let ev = |t: &str| {
        CaseEvent::from_csv_str("e.csv", &format!("case,date,kind,amount,evidence\n{t}")).unwrap()
    };
    let s = sinks::track(
        std::slice::from_ref(&r),
        &ev("C1,2024-03-01,credits_purchased,57,receipt\nC1,2024-04-01,credits_retired,50,cert\n"),
    )
    .unwrap();
    assert!(!s[0].completed);
    assert!(s[0].status.starts_with("in progress: 50 of 57"));
    let s = sinks::track(
        std::slice::from_ref(&r),
        &ev("C1,2024-03-01,credits_purchased,57,receipt\nC1,2024-04-01,credits_retired,57,cert\n"),
    )
    .unwrap();
    assert!(s[0].completed);
    assert!(sinks::track(&[r], &ev("C9,2024-03-01,paid,1,x\n")).is_err());
}

#[test]
fn bad_factor_rows_are_named() {
    let e = FactorTable::from_csv_str(
        "f.csv",
        "factor,key,region,vintage,value,unit,source\ngrid,electricity,NW,2023,0.55,tCO2/t,x\n",
    )
    .unwrap_err();
    assert!(
        matches!(e, CarbonError::Unit { ref at, .. } if at.line == 2 && at.field == "unit"),
        "{e}"
    );
    let e = FactorTable::from_csv_str(
        "f.csv",
        "factor,key,region,vintage,value,unit,source\ngrid,electricity,NW,2023,0.55,tCO2/MWh,x\ngrid,electricity,NW,2023,0.56,tCO2/MWh,y\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("f.csv:3: field 'vintage'"), "{e}");
    let e = FactorTable::from_csv_str(
        "f.csv",
        "factor,key,region,vintage,value,unit,source\nfoo,x,,1,1,1,x\n",
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("f.csv:2: field 'factor'"), "{e}");
}
