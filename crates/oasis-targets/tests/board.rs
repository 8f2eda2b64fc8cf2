use oasis_records::Decimal;
use oasis_targets::{Actuals, Computed, TargetError, board, read_register};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const REG: &str = "id,indicator,unit,target,direction,year,source_document,actual_from,manual_actual,manual_source
good-days,优良天数,days,310,at_least,2025,plan,air.good_days,,
afforest,造林,万亩,6,at_least,2025,plan,greening.afforestation_mu,,
water-use,用水总量,亿m3,1.2,at_most,2025,plan,dual_control.total_use_m3,,
mines,绿色矿山,count,5,at_least,2025,plan,manual,4,自然资源局 2025 list
nrw,漏损率,%,9,at_most,2025,plan,metering.nrw_pct,,
";

#[test]
fn board_from_module_and_hand_actuals() {
    let reg = read_register("t.csv", REG).unwrap();
    let mut a = Actuals::new();
    let c = |v: &str, u: &str, by: &str| Computed {
        value: d(v),
        unit: u.into(),
        by: by.into(),
    };
    a.insert(("air.good_days".into(), 2025), c("312", "days", "air"));
    // 43 500 亩 = 4.35 万亩 → gap 4.35 − 6 = −1.65 万亩.
    a.insert(
        ("greening.afforestation_mu".into(), 2025),
        c("43500", "亩", "greening"),
    );
    // 118 000 000 m³ = 1.18 亿m³ ≤ 1.2 → met, gap −0.02.
    a.insert(
        ("dual_control.total_use_m3".into(), 2025),
        c("118000000", "m3", "dual control"),
    );
    let b = board(&reg, &a).unwrap();
    assert_eq!((b[0].gap, b[0].met), (Some(d("2")), Some(true)));
    assert_eq!(
        (b[1].actual, b[1].gap, b[1].met),
        (Some(d("4.35")), Some(d("-1.65")), Some(false))
    );
    assert_eq!((b[2].actual, b[2].met), (Some(d("1.18")), Some(true)));
    assert_eq!(b[2].gap, Some(d("-0.02")));
    // Hand-entered: 4 of 5 green mines.
    assert_eq!((b[3].gap, b[3].met), (Some(d("-1")), Some(false)));
    assert!(b[3].by.starts_with("by hand"));
    // No module value and nothing by hand: missing, not guessed.
    assert_eq!((b[4].actual, b[4].met), (None, None));
}

#[test]
fn unit_mismatch_and_bad_rows_are_named() {
    let reg = read_register("t.csv", REG).unwrap();
    let mut a = Actuals::new();
    a.insert(
        ("air.good_days".into(), 2025),
        Computed {
            value: d("85"),
            unit: "%".into(),
            by: "air".into(),
        },
    );
    let e = board(&reg, &a).unwrap_err();
    assert!(
        matches!(&e, TargetError::Unit { at, .. } if at.line == 2 && at.field == "unit"),
        "{e}"
    );
    let e = read_register("t.csv", "id,indicator,unit,target,direction,year,source_document,actual_from,manual_actual,manual_source\nx,x,x,1,up,2025,x,manual,,\n").unwrap_err();
    assert!(
        e.to_string().starts_with("t.csv:2: field 'direction'"),
        "{e}"
    );
    let e = read_register("t.csv", "id,indicator,unit,target,direction,year,source_document,actual_from,manual_actual,manual_source\nx,x,x,1,at_least,2025,x,manual,3,\n").unwrap_err();
    assert!(e.to_string().contains("manual_source"), "{e}");
}
