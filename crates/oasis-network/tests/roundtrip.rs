//! read → write → read is lossless on every network we have: the project's own
//! fixtures and, when present, the public benchmark set in `../shared/networks`.

use std::path::{Path, PathBuf};

fn inp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            inp_files(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("inp")) {
            out.push(p);
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check_roundtrip(path: &Path) -> Result<bool, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let name = path.display().to_string();
    let first = match oasis_network::read_inp(&bytes, &name) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("rejected: {e}");
            return Ok(false);
        }
    };
    let text = oasis_network::write_inp(&first);
    let second = oasis_network::read_inp(text.as_bytes(), "written")
        .map_err(|e| format!("{name}: written model does not read back: {e}"))?;
    if first != second {
        return Err(format!("{name}: model changed in read → write → read"));
    }
    if oasis_network::write_inp(&second) != text {
        return Err(format!("{name}: second write differs from the first"));
    }
    Ok(true)
}

#[test]
fn roundtrip_is_lossless_on_every_network() {
    let mut files = Vec::new();
    inp_files(&workspace().join("tests/networks"), &mut files);
    inp_files(&workspace().join("examples"), &mut files);
    let shared = workspace().join("../shared/networks");
    if shared.exists() {
        inp_files(&shared, &mut files);
    } else {
        eprintln!("note: ../shared/networks is absent; checking the project's own networks only");
    }
    assert!(!files.is_empty(), "no networks found");
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in &files {
        match check_roundtrip(f) {
            Ok(true) => checked += 1,
            Ok(false) => {}
            Err(e) => failures.push(e),
        }
    }
    eprintln!("round-tripped {checked} of {} networks (the rest are rejected by design)", files.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 0);
}
