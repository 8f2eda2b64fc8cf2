//! Sections the model keeps as token lines (`[REACTIONS]`, `[ENERGY]`):
//! values found by their leading keywords, as EPANET's reader matches them,
//! and set by rewriting the line or adding one.

use oasis_network::inp::read::kw;

/// Object ids are matched exactly, keywords by EPANET's leading-letters rule.
fn matches(line: &[String], key: &[&str]) -> bool {
    line.len() > key.len()
        && line.iter().zip(key).enumerate().all(|(i, (t, k))| {
            if is_keyword(i, key) {
                kw(t, &k[..k.len().min(4)])
            } else {
                t == k
            }
        })
}

/// In `[REACTIONS]`/`[ENERGY]` lines the second token is an object's id
/// after `BULK`, `WALL`, `TANK` and `PUMP` (`BULK p1`, `PUMP p1 PRICE`) and
/// a keyword otherwise (`GLOBAL BULK`, `ROUGHNESS CORRELATION`).
fn is_keyword(i: usize, key: &[&str]) -> bool {
    i != 1
        || !["BULK", "WALL", "TANK", "PUMP"]
            .iter()
            .any(|k| key[0].eq_ignore_ascii_case(k))
}

pub struct Keyed<'a>(&'a [Vec<String>]);

impl<'a> Keyed<'a> {
    pub fn new(lines: &'a [Vec<String>]) -> Keyed<'a> {
        Keyed(lines)
    }

    /// The last token of the last line with these leading tokens.
    pub fn word(&self, key: &[&str]) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|l| matches(l, key))
            .and_then(|l| l.last())
            .map(String::as_str)
    }

    pub fn value(&self, key: &[&str]) -> Option<f64> {
        self.word(key).and_then(|w| w.parse().ok())
    }
}

pub fn set(lines: &mut Vec<Vec<String>>, key: &[&str], value: f64) {
    set_word(lines, key, Some(&value.to_string()));
}

/// Replaces the value of the lines with these leading tokens (all of them:
/// the last one counts when reading) or adds a line; `None` removes them.
pub fn set_word(lines: &mut Vec<Vec<String>>, key: &[&str], word: Option<&str>) {
    lines.retain(|l| !matches(l, key));
    if let Some(w) = word {
        lines.push(
            key.iter()
                .map(|k| k.to_string())
                .chain([w.to_string()])
                .collect(),
        );
    }
}

/// Whether `line` is one of `objects`' lines (`BULK p1 …`, `TANK t1 …`,
/// `PUMP p1 …`: the first token the object's word, the second its id).
fn is_object_line(line: &[String], objects: &[&str]) -> bool {
    line.len() > 1 && objects.iter().any(|o| kw(&line[0], o))
}

/// Whether `line` is a line of object `id`, one of `objects`.
pub fn names(line: &[String], objects: &[&str], id: &str) -> bool {
    is_object_line(line, objects) && line[1] == id
}

/// Visits the id of every line of `objects`.
pub fn object_ids(lines: &mut [Vec<String>], objects: &[&str], mut f: impl FnMut(&mut String)) {
    for line in lines.iter_mut().filter(|l| is_object_line(l, objects)) {
        f(&mut line[1]);
    }
}
