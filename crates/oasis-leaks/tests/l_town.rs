//! The BattLeDIM L-Town model and sensor layout in `../shared/leak` (skipped with a note
//! when absent): every sensor names an element of the right kind, and the units come out
//! as the SCADA columns want them.

use oasis_leaks::net::NetInfo;
use oasis_leaks::scenario::SensorSpec;
use oasis_leaks::Scada;

fn shared() -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/leak");
    if p.join("L-TOWN.inp").exists() {
        Some(p)
    } else {
        eprintln!("note: ../shared/leak absent, L-Town test skipped");
        None
    }
}

fn ids(json: &str, key: &str) -> Vec<String> {
    // The file is a flat object of string lists; no JSON crate needed for that.
    let start = json.find(&format!("\"{key}\"")).and_then(|i| json[i..].find('[').map(|j| i + j + 1)).unwrap();
    let end = start + json[start..].find(']').unwrap();
    json[start..end].split(',').map(|s| s.trim().trim_matches('"').to_string()).filter(|s| !s.is_empty()).collect()
}

#[test]
fn l_town_sensors_name_network_elements() {
    let Some(dir) = shared() else { return };
    let net = oasis_network::read_inp(&std::fs::read(dir.join("L-TOWN.inp")).unwrap(), "L-TOWN.inp").unwrap();
    let json = std::fs::read_to_string(dir.join("sensors.json")).unwrap();
    let spec = SensorSpec { pressure: ids(&json, "pressure"), flow: ids(&json, "flow"), level: ids(&json, "level"), amr: ids(&json, "amr") };
    assert_eq!((spec.pressure.len(), spec.flow.len(), spec.level.len(), spec.amr.len()), (33, 3, 1, 82));
    let scada = Scada { columns: spec.columns(), ..Default::default() };
    scada.check_network(&net, "sensors.json").unwrap();
    // L-Town is in CMH and metres: no conversion.
    let u = NetInfo::new(&net).units;
    assert!((u.flow_to_m3h - 1.0).abs() < 1e-9 && (u.pressure_to_m - 1.0).abs() < 1e-9, "{u:?}");
    // A misspelt sensor is refused with its column.
    let mut bad = scada.clone();
    bad.columns[3].target = "n99999".into();
    assert!(bad.check_network(&net, "s").unwrap_err().to_string().contains("column 5 `P_n99999`"));
}
