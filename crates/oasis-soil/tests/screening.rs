//! The GB 15618 pH band boundaries (with the sample limits file), site classes,
//! the pH-missing error, GB 36600 classes, and the case register.

use chrono::NaiveDate;
use oasis_soil::cases::{self, Timeliness};
use oasis_soil::limits::{Level, Limits};
use oasis_soil::screening::{Class, read_samples, screen, site_classes};
use oasis_soil::{Decimal, Loc, SoilError};
use std::str::FromStr;

const LIMITS: &str = include_str!("../../../samples/ecology/soil-limits.csv");

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn limits() -> Limits {
    Limits::from_csv_str("soil-limits.csv", LIMITS).unwrap()
}

fn lim(item: &str, lu: &str, level: Level, ph: &str) -> Option<Decimal> {
    limits()
        .find(item, lu, level, Some(d(ph)), &Loc::default())
        .unwrap()
        .map(|r| r.value)
}

#[test]
fn cadmium_bands_at_each_boundary() {
    use Level::*;
    // GB 15618 Table 1, Cd, 水田: ≤5.5 → 0.3; 5.5<pH≤6.5 → 0.4; 6.5<pH≤7.5 → 0.6; >7.5 → 0.8.
    for (ph, v) in [
        ("5.5", "0.3"),
        ("5.51", "0.4"),
        ("6.5", "0.4"),
        ("6.51", "0.6"),
        ("7.5", "0.6"),
        ("7.51", "0.8"),
    ] {
        assert_eq!(lim("Cd", "paddy", Screening, ph), Some(d(v)), "pH {ph}");
    }
    // 其他: 0.3 up to 7.5, 0.6 above; an orchard uses 其他 for Cd.
    assert_eq!(lim("Cd", "other", Screening, "7.5"), Some(d("0.3")));
    assert_eq!(lim("Cd", "orchard", Screening, "7.51"), Some(d("0.6")));
    // Table 3 intervention, Cd: 1.5 / 2.0 / 3.0 / 4.0.
    for (ph, v) in [
        ("5.5", "1.5"),
        ("5.51", "2.0"),
        ("6.5", "2.0"),
        ("6.51", "3.0"),
        ("7.5", "3.0"),
        ("7.51", "4.0"),
    ] {
        assert_eq!(lim("Cd", "other", Intervention, ph), Some(d(v)), "pH {ph}");
    }
    // Cu: 果园 150 at pH 6.5, other 100 at 6.51; no intervention value for Cu.
    assert_eq!(lim("Cu", "orchard", Screening, "6.5"), Some(d("150")));
    assert_eq!(lim("Cu", "paddy", Screening, "6.51"), Some(d("100")));
    assert_eq!(lim("Cu", "other", Intervention, "7"), None);
    // Ni (all farmland): 70 at 6.5, 100 at 6.51, 190 above 7.5.
    assert_eq!(lim("Ni", "paddy", Screening, "6.5"), Some(d("70")));
    assert_eq!(lim("Ni", "other", Screening, "6.51"), Some(d("100")));
    assert_eq!(lim("Ni", "other", Screening, "8.2"), Some(d("190")));
}

#[test]
fn samples_classified_and_site_takes_the_worst() {
    let text = "site,sample,land_use,ph,item,value_mg_kg
F1,F1-a,other,7.5,Cd,0.3
F1,F1-b,other,7.51,Cd,0.61
F2,F2-a,other,6.5,Cd,2.01
F2,F2-b,other,6.5,Ni,70
F3,F3-a,other,8.0,Ni,191
C1,C1-a,class2,,Ni,900
C1,C1-b,class2,,Ni,2000.1
";
    let s = screen(&read_samples("s.csv", text).unwrap(), &limits()).unwrap();
    // 0.3 at pH 7.5 (limit 0.3): on the limit meets it → 优先保护类.
    assert_eq!(s[0].class, Class::BelowScreening);
    // 0.61 at pH 7.51 (limit 0.6, intervention 4.0) → 安全利用类.
    assert_eq!(s[1].class, Class::AboveScreening);
    // 2.01 at pH 6.5: intervention 2.0 exceeded → 严格管控类.
    assert_eq!(s[2].class, Class::AboveIntervention);
    // Ni 191 > 190 with no intervention value → 安全利用类 at most.
    assert_eq!(s[4].class, Class::AboveScreening);
    // GB 36600 class 2 Ni: 900 on the screening value → negligible; 2000.1 > 2000 → 需风险管控或修复.
    assert_eq!(s[5].class, Class::BelowScreening);
    assert_eq!(s[6].class, Class::AboveIntervention);
    let sites = site_classes(&s);
    assert_eq!(sites["F1"].0.name_zh(sites["F1"].1), "安全利用类");
    assert_eq!(sites["F2"].0.name_zh(true), "严格管控类");
    assert_eq!(sites["F2"].2, vec!["Cd".to_string()]);
    assert_eq!(sites["C1"].0.name_zh(sites["C1"].1), "需风险管控或修复");
}

#[test]
fn farmland_sample_without_ph_is_an_error() {
    let text = "site,sample,land_use,ph,item,value_mg_kg\nF1,F1-a,paddy,,Cd,0.2\n";
    match screen(&read_samples("s.csv", text).unwrap(), &limits()) {
        Err(SoilError::NeedsPh { at, item, .. }) => assert_eq!(
            (at.file.as_str(), at.line, at.field.as_str(), item.as_str()),
            ("s.csv", 2, "ph", "Cd")
        ),
        other => panic!("{other:?}"),
    }
    let text = "site,sample,land_use,ph,item,value_mg_kg\nF1,F1-a,paddy,7,Sb,0.2\n";
    assert!(matches!(
        screen(&read_samples("s.csv", text).unwrap(), &limits()),
        Err(SoilError::UnknownItem { .. })
    ));
}

#[test]
fn overlapping_bands_in_the_limits_file_are_refused() {
    let bad = "standard,table,item,land_use,level,ph_above,ph_max,value_mg_kg,source
GB15618-2018,Table 1,Cd,paddy,screening,,5.5,0.3,x
GB15618-2018,Table 1,Cd,paddy,screening,5.0,6.5,0.4,x
";
    let e = Limits::from_csv_str("l.csv", bad).unwrap_err();
    assert!(e.to_string().starts_with("l.csv:3: field 'ph_max'"), "{e}");
}

#[test]
fn case_register_overdue_and_late() {
    let text = "id,source,kind,problem,place,received_on,deadline,unit,status,closed_on,evidence
A,督察,dust,料场未苫盖,金川区,2025-03-01,2025-04-30,住建局,open,,
B,12345,dust,道路扬尘,永昌县,2025-03-05,2025-05-31,交通局,in_progress,,
C,巡查,soil,渣场渗滤,金川区,2025-02-01,2025-03-31,生态环境局,closed,2025-04-10,验收报告
D,督察,dust,工地围挡,金川区,2025-02-01,2025-06-30,住建局,rectified,2025-05-20,照片
";
    let cs = cases::read_cases("c.csv", text).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 5, 10).unwrap();
    // A: deadline 04-30, today 05-10 → 10 days overdue; B: 21 days left; C closed 10 days late; D on time.
    assert_eq!(cases::timeliness(&cs[0], today), Timeliness::Overdue(10));
    assert_eq!(cases::timeliness(&cs[1], today), Timeliness::Due(21));
    assert_eq!(cases::timeliness(&cs[2], today), Timeliness::Late(10));
    assert_eq!(cases::timeliness(&cs[3], today), Timeliness::OnTime);
    let o = cases::overdue(&cs, today);
    assert_eq!(
        o.iter()
            .map(|(c, d)| (c.id.as_str(), *d))
            .collect::<Vec<_>>(),
        vec![("A", 10)]
    );
    let bad = "id,source,kind,problem,place,received_on,deadline,unit,status,closed_on,evidence\nE,x,dust,x,x,2025-03-01,2025-04-30,x,closed,2025-04-01,\n";
    let e = cases::read_cases("c.csv", bad).unwrap_err();
    assert!(
        e.to_string().starts_with("c.csv:2: field 'evidence'"),
        "{e}"
    );
}
