//! Reading EPANET `.inp` text into a [`Network`], with EPANET 2.2's rules for
//! what is accepted and its error numbers for what is not.

use std::collections::hash_map::Entry;

// Ids are hashed with foldhash, seeded at random per map: several times
// faster than SipHash on short ids, and a file cannot be written to collide
// in a map it cannot predict (files may come from anyone).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use crate::error::{LineError, ReadError, describe};
use crate::model::*;
use crate::units::{FlowUnits, HeadlossFormula, PressureUnits};

/// EPANET 2.2 rejects longer lines (error 214).
const MAX_LINE_CHARS: usize = 1024;
/// EPANET 2.2's MAXID.
const MAX_ID_CHARS: usize = 31;
/// Stop collecting after this many line errors, as a person cannot use more.
const MAX_ERRORS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Title,
    Junctions,
    Reservoirs,
    Tanks,
    Pipes,
    Pumps,
    Valves,
    Tags,
    Demands,
    Status,
    Patterns,
    Curves,
    Controls,
    Rules,
    Energy,
    Emitters,
    Quality,
    Sources,
    Reactions,
    Mixing,
    Times,
    Report,
    Options,
    Coordinates,
    Vertices,
    Labels,
    Backdrop,
    End,
    /// A section EPANET 2.3 defines (kept verbatim).
    Later(usize),
}

/// (prefix EPANET matches, full name, section)
const SECTIONS: [(&str, &str, Section); 28] = [
    ("[TITLE", "TITLE", Section::Title),
    ("[JUNC", "JUNCTIONS", Section::Junctions),
    ("[RESE", "RESERVOIRS", Section::Reservoirs),
    ("[TANK", "TANKS", Section::Tanks),
    ("[PIPE", "PIPES", Section::Pipes),
    ("[PUMP", "PUMPS", Section::Pumps),
    ("[VALV", "VALVES", Section::Valves),
    ("[TAG", "TAGS", Section::Tags),
    ("[DEMA", "DEMANDS", Section::Demands),
    ("[STAT", "STATUS", Section::Status),
    ("[PATT", "PATTERNS", Section::Patterns),
    ("[CURV", "CURVES", Section::Curves),
    ("[CONT", "CONTROLS", Section::Controls),
    ("[RULE", "RULES", Section::Rules),
    ("[ENER", "ENERGY", Section::Energy),
    ("[EMIT", "EMITTERS", Section::Emitters),
    ("[QUAL", "QUALITY", Section::Quality),
    ("[SOUR", "SOURCES", Section::Sources),
    ("[REAC", "REACTIONS", Section::Reactions),
    ("[MIXI", "MIXING", Section::Mixing),
    ("[TIME", "TIMES", Section::Times),
    ("[REPO", "REPORT", Section::Report),
    ("[OPTI", "OPTIONS", Section::Options),
    ("[COOR", "COORDINATES", Section::Coordinates),
    ("[VERT", "VERTICES", Section::Vertices),
    ("[LABE", "LABELS", Section::Labels),
    ("[BACK", "BACKDROP", Section::Backdrop),
    ("[END", "END", Section::End),
];

/// Sections only EPANET 2.3 knows; read and kept, not interpreted.
const LATER_SECTIONS: [&str; 1] = ["LEAKAGE"];

impl Section {
    pub(crate) fn name(self) -> String {
        match self {
            Section::Later(i) => LATER_SECTIONS[i].to_string(),
            _ => SECTIONS.iter().find(|(_, _, s)| *s == self).map(|(_, n, _)| n.to_string()).unwrap_or_default(),
        }
    }
}

/// EPANET's keyword test: does `token` begin with `keyword` (ignoring case)?
pub fn kw(token: &str, keyword: &str) -> bool {
    token.len() >= keyword.len() && token.as_bytes()[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
}

/// A number as C's `strtod` over the whole token would accept it.
pub(crate) fn number(token: &str) -> Option<f64> {
    let t = token.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok()
}

/// Decimal hours from EPANET's time forms: `5`, `1:30`, `1:30:15`, with
/// optional units (SEC/MIN/HOURS/DAYS) or AM/PM. `None` when unreadable.
pub fn hours(time: &str, units: &str) -> Option<f64> {
    let mut parts = [0.0f64; 3];
    let mut n = 0;
    for piece in time.split(':').filter(|s| !s.is_empty()) {
        if n >= 3 {
            return None;
        }
        parts[n] = number(piece)?;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    if n == 1 {
        if units.is_empty() {
            return Some(parts[0]);
        }
        if kw(units, "SEC") {
            return Some(parts[0] / 3600.0);
        }
        if kw(units, "MIN") {
            return Some(parts[0] / 60.0);
        }
        if kw(units, "HOU") {
            return Some(parts[0]);
        }
        if kw(units, "DAY") {
            return Some(parts[0] * 24.0);
        }
    }
    let h = if n > 1 { parts[0] + parts[1] / 60.0 + parts[2] / 3600.0 } else { parts[0] };
    if units.is_empty() {
        return Some(h);
    }
    if kw(units, "AM") {
        return if h >= 13.0 { None } else if h >= 12.0 { Some(h - 12.0) } else { Some(h) };
    }
    if kw(units, "PM") {
        return if h >= 13.0 { None } else if h >= 12.0 { Some(h) } else { Some(h + 12.0) };
    }
    None
}

/// Reads the time value at the end of `tokens` (value or value+units),
/// returning hours.
fn trailing_hours(tokens: &[&str]) -> Option<f64> {
    let n = tokens.len() - 1;
    if let Some(y) = number(tokens[n]) {
        return Some(y);
    }
    if let Some(y) = hours(tokens[n], "") {
        return Some(y);
    }
    if n >= 1 {
        return hours(tokens[n - 1], tokens[n]);
    }
    None
}

/// Splits a line into EPANET tokens (blank-separated, `"quoted"` allowed; into
/// `tokens`, which borrow from the line: no allocation per token) and returns
/// its comment, all the text after the first `;`. Blanks are what
/// `char::is_whitespace` says, found with one table look-up per ASCII byte:
/// every line is scanned, and scanning is much of the time spent reading.
fn tokenize_into<'a>(line: &'a str, tokens: &mut Vec<&'a str>) -> Option<&'a str> {
    tokens.clear();
    let mut i = 0;
    while let Some((token, end)) = next_token(line, i) {
        tokens.push(token);
        i = end;
    }
    // No token runs past a `;`, so the scan stopped at the first one, if any.
    let stop = skip_blanks(line, i);
    (line.as_bytes().get(stop) == Some(&b';')).then(|| &line[stop + 1..])
}

/// The token starting at or after byte `i` (a character boundary) and the
/// byte where it ends; None at the end of the line or its comment.
fn next_token(line: &str, i: usize) -> Option<(&str, usize)> {
    let bytes = line.as_bytes();
    let start = skip_blanks(line, i);
    match bytes.get(start) {
        None | Some(b';') => None,
        Some(b'"') => {
            // Up to the closing quote, or the end of the body without one.
            let quoted = &line[start + 1..];
            let body_end = quoted.find(';').unwrap_or(quoted.len());
            let end = quoted[..body_end].find('"').unwrap_or(body_end);
            Some((&quoted[..end], start + 1 + (end + 1).min(body_end)))
        }
        Some(_) => {
            let end = token_end(line, start);
            Some((&line[start..end], end))
        }
    }
}

/// The first token of a line, if any.
fn first_token(line: &str) -> Option<&str> {
    next_token(line, 0).map(|(t, _)| t)
}

// Byte classes of the tokenizer.
const TOKEN: u8 = 0;
const BLANK: u8 = 1;
const SEMICOLON: u8 = 2;
const NON_ASCII: u8 = 3;

/// What a byte is to the tokenizer, one table look-up per byte: part of a
/// token, an ASCII blank (what `char::is_whitespace` says of ASCII), the
/// comment's `;`, or a byte of a non-ASCII character (decided by
/// `char::is_whitespace` on the whole character).
static BYTE_CLASS: [u8; 256] = {
    let mut class = [TOKEN; 256];
    let mut b = 0;
    while b < 256 {
        class[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => BLANK,
            b';' => SEMICOLON,
            0x80..=0xff => NON_ASCII,
            _ => TOKEN,
        };
        b += 1;
    }
    class
};

fn skip_blanks(s: &str, i: usize) -> usize {
    run_end(s, i, true)
}

/// Where the token at `i` ends: a blank, the comment, or the line's end.
fn token_end(s: &str, i: usize) -> usize {
    run_end(s, i, false)
}

/// The end of the run of blanks (`blanks`) or of token characters starting
/// at `i`; a `;` ends either.
fn run_end(s: &str, mut i: usize, blanks: bool) -> usize {
    let bytes = s.as_bytes();
    let same = if blanks { BLANK } else { TOKEN };
    while let Some(&b) = bytes.get(i) {
        match BYTE_CLASS[b as usize] {
            class if class == same => i += 1,
            NON_ASCII => match s[i..].chars().next() {
                Some(c) if c.is_whitespace() == blanks => i += c.len_utf8(),
                _ => break,
            },
            _ => break,
        }
    }
    i
}

fn owned(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| s.to_string()).collect()
}

/// Text of an `.inp` file: UTF-8 when it is valid UTF-8, else Latin-1 (every
/// byte is a character), which is what older Windows tools write.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NodeClass {
    Junction,
    Reservoir,
    Tank,
}

/// A node as the reader found it: its class and position among its class.
type NodeRef = (NodeClass, usize);

struct Problem {
    code: u16,
    field: &'static str,
    token: String,
    message: Option<String>,
}

fn problem(code: u16, field: &'static str, token: &str) -> Problem {
    Problem { code, field, token: token.to_string(), message: None }
}

type LineResult = Result<(), Problem>;

struct Reader<'a> {
    net: Network,
    junctions: Vec<Node>,
    fixed: Vec<Node>,
    // Ids are borrowed from the file's text: no copy per element.
    node_class: HashMap<&'a str, NodeRef>,
    link_ids: HashMap<&'a str, usize>,
    pattern_ids: HashSet<&'a str>,
    curve_ids: HashSet<&'a str>,
    pattern_pos: HashMap<String, usize>,
    curve_pos: HashMap<String, usize>,
    /// Junctions whose `[JUNCTIONS]` demand was already replaced by `[DEMANDS]`.
    demands_replaced: HashSet<usize>,
    /// Link line numbers, for messages about links found after reading.
    link_lines: Vec<usize>,
    /// Each link's end nodes as found (class, position in its class).
    link_ends: Vec<[NodeRef; 2]>,
    tank_lines: HashMap<String, usize>,
    curve_lines: HashMap<String, usize>,
    rule_state: RuleState,
    /// The comment of the line being read: its own, or for a pattern or a
    /// curve the comment line just above it (EPANET 2.2's rule).
    comment: &'a str,
    latin1: bool,
    /// The pattern and curve ids of the last lines read: a line that goes on
    /// with the same id takes no comment (EPANET 2.2's rule).
    last_pattern: Option<&'a str>,
    last_curve: Option<&'a str>,
    /// Indices of the valves read so far (the checks against fighting valves
    /// look at valves only, as EPANET's do).
    valves: Vec<usize>,
}

#[derive(Default, PartialEq)]
enum RuleState {
    #[default]
    None,
    Started,
    Premises,
    Then,
    Else,
    Priority,
}

/// Reads an `.inp` file's bytes. `source_name` (usually the path) is used in
/// error messages only.
pub fn read_inp(bytes: &[u8], source_name: &str) -> Result<Network, ReadError> {
    let text = decode(bytes);
    let latin1 = std::str::from_utf8(bytes).is_err();
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();

    // First pass, as EPANET's: count junctions and fixed-grade nodes, and
    // register pattern and curve IDs (they are referenced before defined).
    let mut reader = Reader {
        net: Network::default(),
        junctions: Vec::new(),
        fixed: Vec::new(),
        node_class: HashMap::default(),
        link_ids: HashMap::default(),
        pattern_ids: HashSet::default(),
        curve_ids: HashSet::default(),
        pattern_pos: HashMap::default(),
        curve_pos: HashMap::default(),
        demands_replaced: HashSet::default(),
        link_lines: Vec::new(),
        link_ends: Vec::new(),
        tank_lines: HashMap::default(),
        curve_lines: HashMap::default(),
        rule_state: RuleState::None,
        comment: "",
        latin1,
        last_pattern: None,
        last_curve: None,
        valves: Vec::new(),
    };
    let mut junction_count = 0usize;
    let mut fixed_count = 0usize;
    let mut link_count = 0usize;
    {
        let mut section: Option<Section> = None;
        for line in &lines {
            let Some(first) = first_token(line) else { continue };
            if first.starts_with('[') {
                section = find_section(first).ok();
                if section == Some(Section::End) {
                    break;
                }
                continue;
            }
            match section {
                Some(Section::Junctions) => junction_count += 1,
                Some(Section::Reservoirs) | Some(Section::Tanks) => fixed_count += 1,
                Some(Section::Pipes) | Some(Section::Pumps) | Some(Section::Valves) => link_count += 1,
                Some(Section::Patterns) => {
                    reader.pattern_ids.insert(first);
                }
                Some(Section::Curves) => {
                    reader.curve_ids.insert(first);
                }
                _ => {}
            }
        }
    }
    if junction_count < 1 {
        return Err(ReadError::Network {
            source_name: source_name.to_string(),
            code: 223,
            message: format!("{} (the network has no junctions)", describe(223)),
        });
    }
    if fixed_count == 0 {
        return Err(ReadError::Network {
            source_name: source_name.to_string(),
            code: 224,
            message: describe(224).to_string(),
        });
    }

    // Sized once: growing the id maps rehashes every id seen so far.
    reader.node_class.reserve(junction_count + fixed_count);
    reader.link_ids.reserve(link_count);
    let mut errors: Vec<LineError> = Vec::new();
    let mut section: Option<Section> = None;
    let mut tokens = Vec::new();
    // A comment line in [PATTERNS] or [CURVES] (a blank line clears it).
    let mut comment_above = "";
    for (i, raw) in lines.iter().enumerate() {
        let line_no = i + 1;
        if errors.len() >= MAX_ERRORS {
            break;
        }
        // A character is at least a byte: count them only in long lines.
        if raw.len() > MAX_LINE_CHARS && raw.chars().count() > MAX_LINE_CHARS {
            errors.push(LineError {
                code: 214,
                line: line_no,
                section: section.map(Section::name).unwrap_or_default(),
                field: "line".into(),
                token: String::new(),
                message: format!("{} (more than {MAX_LINE_CHARS})", describe(214)),
            });
            continue;
        }
        let comment = tokenize_into(raw, &mut tokens);
        if section == Some(Section::Title) && !raw.trim_start().starts_with('[') {
            // The title is free text, kept as written (without trailing blanks).
            let t = raw.trim_end();
            if !t.is_empty() || !reader.net.title.is_empty() {
                reader.net.title.push(t.to_string());
            }
            continue;
        }
        let in_patterns_or_curves = matches!(section, Some(Section::Patterns | Section::Curves));
        let Some(first) = tokens.first() else {
            if in_patterns_or_curves {
                comment_above = comment.unwrap_or("");
            }
            continue;
        };
        reader.comment = match in_patterns_or_curves {
            true => std::mem::take(&mut comment_above),
            false => comment.unwrap_or(""),
        };
        comment_above = "";
        if first.starts_with('[') {
            match find_section(first) {
                Ok(Section::End) => break,
                Ok(s) => {
                    if let Section::Later(k) = s {
                        reader.net.other_sections.push(OtherSection { name: LATER_SECTIONS[k].into(), lines: vec![] });
                    }
                    section = Some(s);
                }
                Err(()) => {
                    errors.push(LineError {
                        code: 201,
                        line: line_no,
                        section: String::new(),
                        field: "section".into(),
                        token: first.to_string(),
                        message: format!("{}: unknown section {first}", describe(201)),
                    });
                    section = None;
                }
            }
            continue;
        }
        let Some(sect) = section else {
            // Data before any section, or in an unknown one.
            continue;
        };
        let result = reader.line(sect, line_no, &tokens);
        if let Err(p) = result {
            let message = p.message.unwrap_or_else(|| describe(p.code).to_string());
            errors.push(LineError {
                code: p.code,
                line: line_no,
                section: sect.name(),
                field: p.field.to_string(),
                token: p.token,
                message,
            });
        }
    }
    // Trim trailing blank title lines.
    while reader.net.title.last().is_some_and(|l| l.is_empty()) {
        reader.net.title.pop();
    }
    if !errors.is_empty() {
        return Err(ReadError::Input { source_name: source_name.to_string(), errors });
    }
    reader.finish(source_name)
}

fn find_section(token: &str) -> Result<Section, ()> {
    let upper = token.to_ascii_uppercase();
    for (prefix, _, s) in SECTIONS {
        if upper.starts_with(prefix) {
            return Ok(s);
        }
    }
    for (k, name) in LATER_SECTIONS.iter().enumerate() {
        if upper.trim_start_matches('[').starts_with(name) {
            return Ok(Section::Later(k));
        }
    }
    Err(())
}

fn need(tokens: &[&str], n: usize) -> LineResult {
    if tokens.len() < n {
        return Err(Problem {
            code: 201,
            field: "line",
            token: String::new(),
            message: Some(format!("{}: expected at least {n} fields, found {}", describe(201), tokens.len())),
        });
    }
    Ok(())
}

fn num(tokens: &[&str], i: usize, field: &'static str) -> Result<f64, Problem> {
    number(tokens[i]).ok_or_else(|| problem(202, field, tokens[i]))
}

impl<'a> Reader<'a> {
    fn line(&mut self, sect: Section, line_no: usize, t: &[&'a str]) -> LineResult {
        match sect {
            Section::Title | Section::End => Ok(()),
            Section::Junctions => self.junction(t),
            Section::Reservoirs | Section::Tanks => self.tank(t, line_no),
            Section::Pipes => self.pipe(t, line_no),
            Section::Pumps => self.pump(t, line_no),
            Section::Valves => self.valve(t, line_no),
            Section::Tags => self.tag(t),
            Section::Demands => self.demand(t),
            Section::Status => self.status(t),
            Section::Patterns => self.pattern(t),
            Section::Curves => self.curve(t, line_no),
            Section::Controls => self.control(t),
            Section::Rules => self.rule(t),
            Section::Energy => self.energy(t),
            Section::Emitters => self.emitter(t),
            Section::Quality => self.quality(t),
            Section::Sources => self.source(t),
            Section::Reactions => self.reaction(t),
            Section::Mixing => self.mixing(t),
            Section::Times => self.time(t),
            Section::Report => {
                self.net.report.push(owned(t));
                Ok(())
            }
            Section::Options => self.option(t),
            Section::Coordinates => self.coordinate(t),
            Section::Vertices => self.vertex(t),
            Section::Labels => {
                self.net.labels.push(owned(t));
                Ok(())
            }
            Section::Backdrop => {
                self.net.backdrop.push(owned(t));
                Ok(())
            }
            Section::Later(_) => {
                self.net.other_sections.last_mut().expect("section pushed on its header").lines.push(owned(t));
                Ok(())
            }
        }
    }

    /// The comment an object read from this line keeps.
    fn object_comment(&self) -> String {
        // EPANET's reader ends a comment at a carriage return too.
        super::comment_text(super::first_line(self.comment), self.latin1).to_string()
    }

    fn check_id(&self, id: &str, field: &'static str) -> LineResult {
        if id.chars().count() > MAX_ID_CHARS || id.is_empty() {
            return Err(Problem {
                code: 252,
                field,
                token: id.to_string(),
                message: Some(format!("{} (IDs have 1 to {MAX_ID_CHARS} characters)", describe(252))),
            });
        }
        Ok(())
    }

    fn pattern_ref(&self, t: &[&'a str], i: usize) -> Result<Option<String>, Problem> {
        if t.len() <= i {
            return Ok(None);
        }
        if !self.pattern_ids.contains(t[i]) {
            return Err(problem(205, "pattern", t[i]));
        }
        Ok(Some(t[i].to_string()))
    }

    fn add_node(&mut self, id: &'a str, class: NodeClass, node: Node) -> LineResult {
        self.check_id(id, "id")?;
        let Entry::Vacant(slot) = self.node_class.entry(id) else {
            return Err(problem(215, "id", id));
        };
        let pos = match class {
            NodeClass::Junction => {
                self.junctions.push(node);
                self.junctions.len() - 1
            }
            _ => {
                self.fixed.push(node);
                self.fixed.len() - 1
            }
        };
        slot.insert((class, pos));
        Ok(())
    }

    fn node_ref(&self, t: &[&'a str], i: usize, field: &'static str) -> Result<NodeRef, Problem> {
        self.node_class.get(t[i]).copied().ok_or_else(|| problem(203, field, t[i]))
    }

    fn junction(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        let elevation = num(t, 1, "elevation")?;
        let base = if t.len() > 2 { num(t, 2, "demand")? } else { 0.0 };
        let pattern = self.pattern_ref(t, 3)?;
        let node = Node {
            id: t[0].to_string(),
            elevation,
            kind: NodeKind::Junction(Junction {
                demands: vec![Demand { base, pattern, category: None }],
                emitter_coefficient: 0.0,
            }),
            comment: self.object_comment(),
        };
        self.add_node(t[0], NodeClass::Junction, node)
    }

    fn tank(&mut self, t: &[&'a str], line_no: usize) -> LineResult {
        need(t, 2)?;
        let elevation = num(t, 1, "elevation")?;
        // EPANET treats a line of at most 3 fields as a reservoir, in either section.
        if t.len() <= 3 {
            let pattern = self.pattern_ref(t, 2)?;
            let node = Node {
                id: t[0].to_string(),
                elevation,
                kind: NodeKind::Reservoir(Reservoir { pattern }),
                comment: self.object_comment(),
            };
            return self.add_node(t[0], NodeClass::Reservoir, node);
        }
        need(t, 6)?;
        let initial_level = num(t, 2, "initial level")?;
        let min_level = num(t, 3, "minimum level")?;
        let max_level = num(t, 4, "maximum level")?;
        let diameter = num(t, 5, "diameter")?;
        if diameter < 0.0 {
            return Err(problem(209, "diameter", t[5]));
        }
        let min_volume = if t.len() > 6 { num(t, 6, "minimum volume")? } else { 0.0 };
        if min_volume < 0.0 {
            return Err(problem(209, "minimum volume", t[6]));
        }
        let mut volume_curve = None;
        if t.len() > 7 && !t[7].starts_with('*') {
            if !self.curve_ids.contains(t[7]) {
                return Err(problem(206, "volume curve", t[7]));
            }
            volume_curve = Some(t[7].to_string());
        }
        let mut overflow = false;
        if t.len() > 8 {
            if kw(t[8], "YES") {
                overflow = true;
            } else if !kw(t[8], "NO") {
                return Err(problem(213, "overflow", t[8]));
            }
        }
        self.tank_lines.insert(t[0].to_string(), line_no);
        let node = Node {
            id: t[0].to_string(),
            elevation,
            kind: NodeKind::Tank(Tank {
                initial_level,
                min_level,
                max_level,
                diameter,
                min_volume,
                volume_curve,
                overflow,
            }),
            comment: self.object_comment(),
        };
        self.add_node(t[0], NodeClass::Tank, node)
    }

    fn link_ends(&self, t: &[&'a str]) -> Result<(NodeRef, NodeRef), Problem> {
        let a = self.node_ref(t, 1, "start node")?;
        let b = self.node_ref(t, 2, "end node")?;
        if t[1] == t[2] {
            return Err(problem(222, "end node", t[2]));
        }
        Ok((a, b))
    }

    /// A link of this line (id, start and end node first).
    fn new_link(&self, t: &[&str], kind: LinkKind) -> Link {
        Link {
            id: t[0].to_string(),
            from: t[1].to_string(),
            to: t[2].to_string(),
            kind,
            initial_status: None,
            comment: self.object_comment(),
        }
    }

    /// Adds `link`, whose id `id` is borrowed from the file's text.
    fn add_link(&mut self, link: Link, id: &'a str, ends: (NodeRef, NodeRef), line_no: usize) -> LineResult {
        self.check_id(id, "id")?;
        let Entry::Vacant(slot) = self.link_ids.entry(id) else {
            return Err(problem(215, "id", &link.id));
        };
        slot.insert(self.net.links.len());
        self.net.links.push(link);
        self.link_lines.push(line_no);
        self.link_ends.push([ends.0, ends.1]);
        Ok(())
    }

    fn pipe(&mut self, t: &[&'a str], line_no: usize) -> LineResult {
        need(t, 6)?;
        let ends = self.link_ends(t)?;
        let length = num(t, 3, "length")?;
        let diameter = num(t, 4, "diameter")?;
        let roughness = num(t, 5, "roughness")?;
        if length <= 0.0 {
            return Err(problem(211, "length", t[3]));
        }
        if diameter <= 0.0 {
            return Err(problem(211, "diameter", t[4]));
        }
        if roughness <= 0.0 {
            return Err(problem(211, "roughness", t[5]));
        }
        let mut pipe = Pipe {
            length,
            diameter,
            roughness,
            minor_loss: 0.0,
            check_valve: false,
            closed_on_line: false,
            open_on_line: false,
        };
        let status_word = |pipe: &mut Pipe, tok: &str| -> bool {
            if kw(tok, "CV") {
                pipe.check_valve = true;
            } else if kw(tok, "CLOSED") {
                pipe.closed_on_line = true;
            } else if kw(tok, "OPEN") {
                pipe.open_on_line = true;
            } else {
                return false;
            }
            true
        };
        if t.len() == 7 {
            if !status_word(&mut pipe, t[6]) {
                pipe.minor_loss = num(t, 6, "minor loss")?;
            }
        } else if t.len() >= 8 {
            pipe.minor_loss = num(t, 6, "minor loss")?;
            if !status_word(&mut pipe, t[7]) {
                return Err(problem(213, "status", t[7]));
            }
        }
        if pipe.minor_loss < 0.0 {
            return Err(problem(211, "minor loss", t[6]));
        }
        let link = self.new_link(t, LinkKind::Pipe(pipe));
        self.add_link(link, t[0], ends, line_no)
    }

    fn pump(&mut self, t: &[&'a str], line_no: usize) -> LineResult {
        // A pump with no curve or power is error 226, found after reading.
        need(t, 3)?;
        let ends = self.link_ends(t)?;
        let mut pump = Pump::default();
        // EPANET 1.x format: numbers after the nodes define the curve inline.
        if t.len() > 3 && number(t[3]).is_some() {
            let mut values = Vec::new();
            for i in 3..t.len() {
                values.push(num(t, i, "curve value")?);
            }
            if !(values.len() == 1 || values.len() == 2 || values.len() >= 5) || values[0] <= 0.0 {
                return Err(problem(202, "curve value", t[3]));
            }
            pump.inline_curve = Some(values);
            let link = self.new_link(t, LinkKind::Pump(pump));
            return self.add_link(link, t[0], ends, line_no);
        }
        let mut i = 3;
        while i < t.len() {
            let key = &t[i];
            if i + 1 >= t.len() {
                return Err(problem(201, "keyword value", key));
            }
            let value = &t[i + 1];
            if kw(key, "HEAD") {
                if !self.curve_ids.contains(*value) {
                    return Err(problem(206, "head curve", value));
                }
                pump.head_curve = Some(value.to_string());
            } else if kw(key, "POWER") {
                let y = number(value).ok_or_else(|| problem(202, "power", value))?;
                if y <= 0.0 {
                    return Err(problem(202, "power", value));
                }
                pump.power = Some(y);
            } else if kw(key, "PATTERN") {
                if !self.pattern_ids.contains(*value) {
                    return Err(problem(205, "pattern", value));
                }
                pump.pattern = Some(value.to_string());
            } else if kw(key, "SPEED") {
                let y = number(value).ok_or_else(|| problem(202, "speed", value))?;
                if y < 0.0 {
                    return Err(problem(202, "speed", value));
                }
                pump.speed = Some(y);
            } else {
                return Err(problem(201, "keyword", key));
            }
            i += 2;
        }
        let link = self.new_link(t, LinkKind::Pump(pump));
        self.add_link(link, t[0], ends, line_no)
    }

    fn valve(&mut self, t: &[&'a str], line_no: usize) -> LineResult {
        need(t, 6)?;
        let ends = self.link_ends(t)?;
        let (a, b) = ends;
        let diameter = num(t, 3, "diameter")?;
        if diameter <= 0.0 {
            return Err(problem(211, "diameter", t[3]));
        }
        let kind = [
            ("PRV", ValveKind::Prv),
            ("PSV", ValveKind::Psv),
            ("PBV", ValveKind::Pbv),
            ("FCV", ValveKind::Fcv),
            ("TCV", ValveKind::Tcv),
            ("GPV", ValveKind::Gpv),
        ]
        .into_iter()
        .find(|(w, _)| kw(t[4], w))
        .map(|(_, k)| k)
        .ok_or_else(|| problem(201, "valve type", t[4]))?;
        let (setting, curve) = if kind == ValveKind::Gpv {
            if !self.curve_ids.contains(t[5]) {
                return Err(problem(206, "head loss curve", t[5]));
            }
            (0.0, Some(t[5].to_string()))
        } else {
            (num(t, 5, "setting")?, None)
        };
        let minor_loss = if t.len() > 6 { num(t, 6, "minor loss")? } else { 0.0 };
        if minor_loss < 0.0 {
            return Err(problem(211, "minor loss", t[6]));
        }
        if matches!(kind, ValveKind::Prv | ValveKind::Psv | ValveKind::Fcv) {
            if a.0 != NodeClass::Junction || b.0 != NodeClass::Junction {
                return Err(problem(219, "end node", if a.0 != NodeClass::Junction { t[1] } else { t[2] }));
            }
            self.check_valve_pair(kind, t[1], t[2])?;
        }
        let link = self.new_link(t, LinkKind::Valve(Valve { valve: kind, diameter, setting, curve, minor_loss }));
        self.add_link(link, t[0], ends, line_no)?;
        self.valves.push(self.net.links.len() - 1);
        Ok(())
    }

    /// EPANET's rules against pressure/flow control valves that would fight.
    fn check_valve_pair(&self, kind: ValveKind, j1: &str, j2: &str) -> LineResult {
        use ValveKind::*;
        for &k in &self.valves {
            let link = &self.net.links[k];
            let LinkKind::Valve(v) = &link.kind else { continue };
            let (v1, v2) = (link.from.as_str(), link.to.as_str());
            let bad = match (v.valve, kind) {
                (Prv, Prv) => v2 == j2 || v2 == j1 || v1 == j2,
                (Psv, Psv) => v1 == j1 || v1 == j2 || v2 == j1,
                (Psv, Prv) => v1 == j2,
                (Prv, Psv) => v2 == j1,
                (Fcv, Psv) => v2 == j1,
                (Fcv, Prv) => v1 == j2,
                (Psv, Fcv) => v1 == j2,
                (Prv, Fcv) => v2 == j1,
                _ => false,
            };
            if bad {
                return Err(Problem {
                    code: 220,
                    field: "end node",
                    token: link.id.clone(),
                    message: Some(format!("{} (conflicts with valve {})", describe(220), link.id)),
                });
            }
        }
        Ok(())
    }

    fn tag(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 3)?;
        let object = if kw(t[0], "NODE") {
            self.node_ref(t, 1, "id")?;
            "NODE"
        } else if kw(t[0], "LINK") {
            if !self.link_ids.contains_key(t[1]) {
                return Err(problem(204, "id", t[1]));
            }
            "LINK"
        } else {
            return Err(problem(201, "object", t[0]));
        };
        self.net.tags.push(Tag { object: object.into(), id: t[1].to_string(), tag: t[2].to_string() });
        Ok(())
    }

    fn demand(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        let y = num(t, 1, "demand")?;
        if kw(t[0], "MULTIPLY") {
            if y <= 0.0 {
                return Err(problem(213, "multiplier", t[1]));
            }
            self.net.options.demand_multiplier = y;
            return Ok(());
        }
        let (class, pos) = self.node_ref(t, 0, "junction")?;
        if class != NodeClass::Junction {
            return Ok(());
        }
        let pattern = self.pattern_ref(t, 2)?;
        let category = Some(self.comment.trim()).filter(|c| !c.is_empty()).map(str::to_string);
        let NodeKind::Junction(j) = &mut self.junctions[pos].kind else { unreachable!() };
        let d = Demand { base: y, pattern, category };
        if self.demands_replaced.insert(pos) {
            j.demands = vec![d];
        } else {
            j.demands.push(d);
        }
        Ok(())
    }

    fn status(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        let word = &t[t.len() - 1];
        let status = if kw(word, "OPEN") {
            InitialStatus::Open
        } else if kw(word, "CLOSED") {
            InitialStatus::Closed
        } else {
            let y = number(word).ok_or_else(|| problem(211, "status", word))?;
            if y < 0.0 {
                return Err(problem(211, "status", word));
            }
            InitialStatus::Value(y)
        };
        let ids: Vec<usize> = if t.len() == 2 {
            vec![*self.link_ids.get(t[0]).ok_or_else(|| problem(204, "link", t[0]))?]
        } else {
            // A range of link IDs (EPANET compares them as numbers when both are numeric).
            let lo = self.link_ids.get(t[0]).ok_or_else(|| problem(204, "link", t[0]))?;
            let hi = self.link_ids.get(t[1]).ok_or_else(|| problem(204, "link", t[1]))?;
            let (lo, hi) = (*lo.min(hi), *lo.max(hi));
            (lo..=hi).collect()
        };
        for k in ids {
            let link = &mut self.net.links[k];
            match &link.kind {
                LinkKind::Pipe(p) if p.check_valve => return Err(problem(207, "link", &link.id.clone())),
                LinkKind::Valve(v) if v.valve == ValveKind::Gpv && matches!(status, InitialStatus::Value(_)) => {
                    return Err(problem(207, "link", &link.id.clone()));
                }
                LinkKind::Pipe(_) if matches!(status, InitialStatus::Value(_)) => continue,
                _ => {}
            }
            link.initial_status = Some(status);
        }
        Ok(())
    }

    fn pattern(&mut self, t: &[&'a str]) -> LineResult {
        let mut factors = Vec::with_capacity(t.len() - 1);
        for i in 1..t.len() {
            factors.push(num(t, i, "multiplier")?);
        }
        self.check_id(t[0], "id")?;
        let goes_on = self.last_pattern.replace(t[0]) == Some(t[0]);
        let comment = self.object_comment();
        match self.pattern_pos.get(t[0]) {
            Some(&k) => {
                let pattern = &mut self.net.patterns[k];
                pattern.factors.extend(factors);
                if !goes_on && pattern.comment.is_empty() {
                    pattern.comment = comment;
                }
            }
            None => {
                self.pattern_pos.insert(t[0].to_string(), self.net.patterns.len());
                self.net.patterns.push(Pattern { id: t[0].to_string(), factors, comment });
            }
        }
        Ok(())
    }

    fn curve(&mut self, t: &[&'a str], line_no: usize) -> LineResult {
        need(t, 3)?;
        let x = num(t, 1, "x")?;
        let y = num(t, 2, "y")?;
        self.check_id(t[0], "id")?;
        let goes_on = self.last_curve.replace(t[0]) == Some(t[0]);
        let comment = self.object_comment();
        match self.curve_pos.get(t[0]) {
            Some(&k) => {
                let curve = &mut self.net.curves[k];
                curve.points.push((x, y));
                if !goes_on && curve.comment.is_empty() {
                    curve.comment = comment;
                }
            }
            None => {
                self.curve_pos.insert(t[0].to_string(), self.net.curves.len());
                self.curve_lines.insert(t[0].to_string(), line_no);
                self.net.curves.push(Curve { id: t[0].to_string(), points: vec![(x, y)], comment });
            }
        }
        Ok(())
    }

    fn control(&mut self, t: &[&'a str]) -> LineResult {
        // LINK id action IF NODE id ABOVE|BELOW value
        // LINK id action AT TIME t | AT CLOCKTIME t [AM|PM]
        // EPANET reads the words by position only (`Pump P1 Open IF Tank T1 ...` works).
        need(t, 6)?;
        let k = *self.link_ids.get(t[1]).ok_or_else(|| problem(204, "link", t[1]))?;
        let link = &self.net.links[k];
        match &link.kind {
            LinkKind::Pipe(p) if p.check_valve => return Err(problem(207, "link", t[1])),
            _ => {}
        }
        let is_gpv = matches!(&link.kind, LinkKind::Valve(v) if v.valve == ValveKind::Gpv);
        let action = if kw(t[2], "OPEN") {
            ControlAction::Open
        } else if kw(t[2], "CLOSED") {
            ControlAction::Closed
        } else if is_gpv {
            return Err(problem(206, "setting", t[2]));
        } else {
            let y = num(t, 2, "setting")?;
            if matches!(link.kind, LinkKind::Pump(_) | LinkKind::Pipe(_)) && y < 0.0 {
                return Err(problem(202, "setting", t[2]));
            }
            ControlAction::Setting(y)
        };
        let condition = if kw(t[4], "TIME") {
            let y = trailing_hours(&t[5..]).ok_or_else(|| problem(202, "time", t[5]))?;
            ControlCondition::AtTime { time_s: (3600.0 * y) as i64 }
        } else if kw(t[4], "CLOCKTIME") {
            let y = trailing_hours(&t[5..]).ok_or_else(|| problem(202, "clock time", t[5]))?;
            ControlCondition::AtClockTime { time_s: (3600.0 * y) as i64 }
        } else {
            need(t, 8)?;
            self.node_ref(t, 5, "node")?;
            let value = num(t, 7, "value")?;
            let node = t[5].to_string();
            if kw(t[6], "ABOVE") {
                ControlCondition::Above { node, value }
            } else if kw(t[6], "BELOW") {
                ControlCondition::Below { node, value }
            } else {
                return Err(problem(201, "ABOVE/BELOW", t[6]));
            }
        };
        self.net.controls.push(Control { link: t[1].to_string(), action, condition });
        Ok(())
    }

    fn rule(&mut self, t: &[&'a str]) -> LineResult {
        let key = t[0].to_ascii_uppercase();
        let misplaced = |what: &str| Problem {
            code: 221,
            field: "clause",
            token: what.to_string(),
            message: Some(format!("{} ({what})", describe(221))),
        };
        match key.as_str() {
            "RULE" => {
                need(t, 2)?;
                self.net.rules.push(Rule {
                    id: t[1].to_string(),
                    premises: vec![],
                    then_actions: vec![],
                    else_actions: vec![],
                    priority: None,
                });
                self.rule_state = RuleState::Started;
                return Ok(());
            }
            "IF" | "AND" | "OR" => {
                let conjunction = match key.as_str() {
                    "IF" => Conjunction::If,
                    "AND" => Conjunction::And,
                    _ => Conjunction::Or,
                };
                let ok = match conjunction {
                    Conjunction::If => self.rule_state == RuleState::Started,
                    _ => matches!(self.rule_state, RuleState::Premises | RuleState::Then | RuleState::Else),
                };
                if !ok || (conjunction == Conjunction::Or && self.rule_state != RuleState::Premises) {
                    return Err(misplaced(t[0]));
                }
                if self.rule_state == RuleState::Premises || conjunction == Conjunction::If {
                    let premise = self.premise(conjunction, t)?;
                    self.net.rules.last_mut().unwrap().premises.push(premise);
                    self.rule_state = RuleState::Premises;
                } else {
                    // AND after THEN/ELSE adds an action.
                    let action = self.rule_action(t)?;
                    let rule = self.net.rules.last_mut().unwrap();
                    if self.rule_state == RuleState::Then {
                        rule.then_actions.push(action);
                    } else {
                        rule.else_actions.push(action);
                    }
                }
            }
            "THEN" => {
                if self.rule_state != RuleState::Premises {
                    return Err(misplaced("THEN"));
                }
                let action = self.rule_action(t)?;
                self.net.rules.last_mut().unwrap().then_actions.push(action);
                self.rule_state = RuleState::Then;
            }
            "ELSE" => {
                if self.rule_state != RuleState::Then {
                    return Err(misplaced("ELSE"));
                }
                let action = self.rule_action(t)?;
                self.net.rules.last_mut().unwrap().else_actions.push(action);
                self.rule_state = RuleState::Else;
            }
            "PRIORITY" => {
                if !matches!(self.rule_state, RuleState::Then | RuleState::Else) {
                    return Err(misplaced("PRIORITY"));
                }
                need(t, 2)?;
                let p = num(t, 1, "priority")?;
                self.net.rules.last_mut().unwrap().priority = Some(p);
                self.rule_state = RuleState::Priority;
            }
            _ => return Err(problem(201, "clause", t[0])),
        }
        Ok(())
    }

    fn premise(&self, conjunction: Conjunction, t: &[&'a str]) -> Result<Premise, Problem> {
        // IF object id variable relation value  |  IF SYSTEM variable relation value
        let object = t.get(1).ok_or_else(|| problem(201, "object", ""))?.to_ascii_uppercase();
        let (id, rest) = if kw(&object, "SYSTEM") {
            (String::new(), &t[2..])
        } else {
            need(t, 6)?;
            let id = t[2].to_string();
            if is_node_object(&object) {
                self.node_ref(t, 2, "node")?;
            } else if is_link_object(&object) {
                if !self.link_ids.contains_key(id.as_str()) {
                    return Err(problem(204, "link", &id));
                }
            } else {
                return Err(problem(201, "object", t[1]));
            }
            (id, &t[3..])
        };
        if rest.len() < 3 {
            return Err(problem(201, "premise", ""));
        }
        // Clock times may carry AM/PM as an extra token.
        let value = rest[2..].join(" ");
        Ok(Premise {
            conjunction,
            object: canonical_object(&object),
            id,
            variable: rest[0].to_ascii_uppercase(),
            relation: rest[1].to_ascii_uppercase(),
            value,
        })
    }

    fn rule_action(&self, t: &[&'a str]) -> Result<RuleAction, Problem> {
        // THEN object id STATUS|SETTING = value
        need(t, 6)?;
        let object = t[1].to_ascii_uppercase();
        if !is_link_object(&object) {
            return Err(problem(201, "object", t[1]));
        }
        let k = *self.link_ids.get(t[2]).ok_or_else(|| problem(204, "link", t[2]))?;
        if matches!(&self.net.links[k].kind, LinkKind::Pipe(p) if p.check_valve) {
            return Err(problem(207, "link", t[2]));
        }
        let variable = t[3].to_ascii_uppercase();
        let value = &t[5];
        if kw(&variable, "STATUS") {
            if !(kw(value, "OPEN") || kw(value, "CLOSED") || kw(value, "ACTIVE")) {
                return Err(problem(201, "status", value));
            }
        } else if kw(&variable, "SETTING") {
            let y = number(value).ok_or_else(|| problem(202, "setting", value))?;
            if y < 0.0 {
                return Err(problem(202, "setting", value));
            }
        } else {
            return Err(problem(201, "variable", t[3]));
        }
        Ok(RuleAction { object: canonical_object(&object), id: t[2].to_string(), variable, value: value.to_string() })
    }

    fn energy(&mut self, t: &[&'a str]) -> LineResult {
        // PUMP id PRICE|PATTERN|EFFIC value; GLOBAL ...; DEMAND CHARGE value.
        if kw(t[0], "PUMP") {
            need(t, 4)?;
            match self.link_ids.get(t[1]) {
                Some(&k) if matches!(self.net.links[k].kind, LinkKind::Pump(_)) => {}
                _ => return Err(problem(216, "pump", t[1])),
            }
        }
        if t.len() >= 3 && kw(t[t.len() - 2], "PATT") && !self.pattern_ids.contains(t[t.len() - 1]) {
            return Err(problem(205, "pattern", t[t.len() - 1]));
        }
        if t.len() >= 3 && kw(t[t.len() - 2], "EFFI") && kw(t[0], "PUMP") && !self.curve_ids.contains(t[t.len() - 1]) {
            return Err(problem(206, "efficiency curve", t[t.len() - 1]));
        }
        self.net.energy.lines.push(owned(t));
        Ok(())
    }

    /// `[REACTIONS]` lines are kept as written, after EPANET's checks.
    fn reaction(&mut self, t: &[&'a str]) -> LineResult {
        // EPANET ignores lines with fewer than three fields.
        if t.len() >= 3 {
            let n = t.len() - 1;
            let value = number(t[n]);
            let w = &t[0];
            if kw(w, "ORDER") {
                let y = value.ok_or_else(|| problem(202, "order", t[n]))?;
                if kw(t[1], "WALL") {
                    if y != 0.0 && y != 1.0 {
                        return Err(problem(213, "order", t[n]));
                    }
                } else if !kw(t[1], "BULK") && !kw(t[1], "TANK") {
                    return Err(problem(213, "keyword", t[1]));
                }
            } else if kw(w, "ROUGH") || kw(w, "LIMIT") {
                value.ok_or_else(|| problem(202, "value", t[n]))?;
            } else if kw(w, "GLOBAL") {
                value.ok_or_else(|| problem(202, "value", t[n]))?;
                if !kw(t[1], "BULK") && !kw(t[1], "WALL") {
                    return Err(problem(201, "keyword", t[1]));
                }
            } else if kw(w, "BULK") || kw(w, "WALL") {
                value.ok_or_else(|| problem(202, "coefficient", t[n]))?;
            } else if kw(w, "TANK") {
                value.ok_or_else(|| problem(202, "coefficient", t[n]))?;
            } else {
                return Err(problem(201, "keyword", w));
            }
        }
        self.net.reactions.lines.push(owned(t));
        Ok(())
    }

    fn emitter(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        let (class, pos) = self.node_ref(t, 0, "junction")?;
        let c = num(t, 1, "coefficient")?;
        if c < 0.0 {
            return Err(problem(209, "coefficient", t[1]));
        }
        if class == NodeClass::Junction {
            let NodeKind::Junction(j) = &mut self.junctions[pos].kind else { unreachable!() };
            j.emitter_coefficient = c;
        }
        Ok(())
    }

    fn quality(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        if t.len() == 2 {
            self.node_ref(t, 0, "node")?;
            let c = num(t, 1, "initial quality")?;
            self.net.quality.push((t[0].to_string(), c));
        } else {
            // A node range with one value; kept as given.
            let c = num(t, 2, "initial quality")?;
            self.net.quality.push((format!("{} {}", t[0], t[1]), c));
        }
        Ok(())
    }

    fn source(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 3)?;
        self.node_ref(t, 0, "node")?;
        let known = ["CONCEN", "MASS", "SETPOINT", "FLOWPACED"];
        let (kind, value_at) = match known.iter().find(|k| kw(t[1], &k[..4])) {
            Some(k) => (k.to_string(), 2),
            None => ("CONCEN".to_string(), 1),
        };
        need(t, value_at + 1)?;
        let strength = num(t, value_at, "strength")?;
        let pattern = self.pattern_ref(t, value_at + 1)?;
        self.net.sources.push(Source { node: t[0].to_string(), kind, strength, pattern });
        Ok(())
    }

    fn mixing(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        self.node_ref(t, 0, "tank")?;
        let model = ["MIXED", "2COMP", "FIFO", "LIFO"]
            .into_iter()
            .find(|m| kw(t[1], &m[..2]))
            .ok_or_else(|| problem(201, "model", t[1]))?;
        let fraction = if t.len() > 2 { Some(num(t, 2, "fraction")?) } else { None };
        self.net.mixing.push(Mixing { tank: t[0].to_string(), model: model.into(), fraction });
        Ok(())
    }

    fn time(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 2)?;
        let times = &mut self.net.times;
        let n = t.len() - 1;
        if kw(t[0], "STATISTIC") {
            let word = t[n].to_ascii_uppercase();
            let value = ["NONE", "NO", "AVERAGED", "MINIMUM", "MAXIMUM", "RANGE"]
                .into_iter()
                .find(|w| kw(&word, &w[..w.len().min(3)]))
                .ok_or_else(|| problem(213, "statistic", t[n]))?;
            times.statistic = value.to_string();
            times.given.push("STATISTIC".into());
            return Ok(());
        }
        let y = trailing_hours(t).ok_or_else(|| problem(213, "time", t[n]))?;
        let seconds = (3600.0 * y + 0.5) as i64;
        let key = if kw(t[0], "DURATION") {
            times.duration_s = seconds;
            "DURATION"
        } else if kw(t[0], "HYDRAULIC") {
            times.hydraulic_step_s = seconds;
            "HYDRAULIC TIMESTEP"
        } else if kw(t[0], "QUALITY") {
            times.quality_step_s = seconds;
            "QUALITY TIMESTEP"
        } else if kw(t[0], "RULE") {
            times.rule_step_s = seconds;
            "RULE TIMESTEP"
        } else if kw(t[0], "MINIMUM") {
            return Ok(());
        } else if kw(t[0], "PATTERN") {
            if kw(t[1], "TIME") {
                times.pattern_step_s = seconds;
                "PATTERN TIMESTEP"
            } else if kw(t[1], "START") {
                times.pattern_start_s = seconds;
                "PATTERN START"
            } else {
                return Err(problem(213, "keyword", t[1]));
            }
        } else if kw(t[0], "REPORT") {
            if kw(t[1], "TIME") {
                times.report_step_s = seconds;
                "REPORT TIMESTEP"
            } else if kw(t[1], "START") {
                times.report_start_s = seconds;
                "REPORT START"
            } else {
                return Err(problem(213, "keyword", t[1]));
            }
        } else if kw(t[0], "START") {
            times.start_clocktime_s = seconds % 86400;
            "START CLOCKTIME"
        } else {
            return Err(problem(213, "keyword", t[0]));
        };
        if !times.given.iter().any(|g| g == key) {
            times.given.push(key.to_string());
        }
        Ok(())
    }

    fn option(&mut self, t: &[&'a str]) -> LineResult {
        let o = &mut self.net.options;
        let n = t.len() - 1;
        let w = &t[0];
        // Keyword-valued options.
        if kw(w, "UNITS") {
            if n < 1 {
                return Ok(());
            }
            // EPANET 2.2 also takes SI (litres per second) and US (gallons per minute).
            o.flow_units = if t[1].eq_ignore_ascii_case("SI") {
                FlowUnits::Lps
            } else if t[1].eq_ignore_ascii_case("US") {
                FlowUnits::Gpm
            } else {
                FlowUnits::from_keyword(t[1]).ok_or_else(|| problem(213, "units", t[1]))?
            };
            return Ok(());
        }
        if kw(w, "PRESS") && n >= 1 && !kw(t[1], "EXPO") {
            o.pressure_units = Some(if kw(t[1], "PSI") {
                PressureUnits::Psi
            } else if kw(t[1], "KPA") {
                PressureUnits::Kpa
            } else if kw(t[1], "METER") {
                PressureUnits::Meters
            } else {
                return Err(problem(213, "pressure units", t[1]));
            });
            return Ok(());
        }
        if kw(w, "HEADL") {
            if n < 1 {
                return Ok(());
            }
            o.headloss = if kw(t[1], "H-W") {
                HeadlossFormula::HazenWilliams
            } else if kw(t[1], "D-W") {
                HeadlossFormula::DarcyWeisbach
            } else if kw(t[1], "C-M") {
                HeadlossFormula::ChezyManning
            } else {
                return Err(problem(213, "headloss", t[1]));
            };
            return Ok(());
        }
        if kw(w, "HYDR") {
            if n < 2 {
                return Ok(());
            }
            o.hydraulics_file = Some((t[1].to_string(), t[2].to_string()));
            return Ok(());
        }
        if kw(w, "QUAL") {
            if n >= 1 && kw(t[1], "TRACE") {
                // The trace node must exist (error 212).
                let node = t.get(2).copied().unwrap_or("");
                if !self.node_class.contains_key(node) {
                    return Err(problem(212, "trace node", node));
                }
            }
            self.net.options.quality = owned(&t[1..]);
            return Ok(());
        }
        if kw(w, "MAP") {
            o.map = t.get(1).map(|s| s.to_string());
            return Ok(());
        }
        if kw(w, "UNBAL") {
            if n < 1 {
                return Ok(());
            }
            o.unbalanced = if kw(t[1], "STOP") {
                Unbalanced::Stop
            } else if kw(t[1], "CONT") {
                let extra = if n >= 2 { t[2].parse::<i64>().unwrap_or(0).max(0) as u32 } else { 0 };
                Unbalanced::Continue(extra)
            } else {
                return Err(problem(213, "unbalanced", t[1]));
            };
            return Ok(());
        }
        if kw(w, "PATT") {
            if n >= 1 {
                o.pattern = Some(t[1].to_string());
            }
            return Ok(());
        }
        if kw(w, "DEMAND") && n >= 2 && kw(t[1], "MODEL") {
            o.demand_model = if kw(t[2], "DDA") {
                DemandModel::Dda
            } else if kw(t[2], "PDA") {
                DemandModel::Pda
            } else {
                return Err(problem(213, "demand model", t[2]));
            };
            return Ok(());
        }
        if kw(w, "VERIFY") || kw(w, "SEGM") {
            o.other.push(owned(t));
            return Ok(());
        }
        // Numeric options.
        let two_words = ["SPECIFIC", "EMIT", "DEMAND", "MINIMUM", "REQUIRED", "PRESS", "PREC"];
        let at = if two_words.iter().any(|k| kw(w, k)) { 2 } else { 1 };
        if n < at {
            return Ok(());
        }
        let y = num(t, at, "value")?;
        let nonneg = |y: f64| if y < 0.0 { Err(problem(213, "value", t[at])) } else { Ok(y) };
        if kw(w, "TOLER") {
            o.tolerance = nonneg(y)?;
        } else if kw(w, "DIFF") {
            o.diffusivity = nonneg(y)?;
        } else if kw(w, "DAMPLIMIT") {
            o.damp_limit = y;
        } else if kw(w, "FLOWCHANGE") {
            o.flow_change = nonneg(y)?;
        } else if kw(w, "HEADERROR") {
            o.head_error = nonneg(y)?;
        } else if kw(w, "MINIMUM") {
            o.minimum_pressure = nonneg(y)?;
        } else if kw(w, "REQUIRED") {
            o.required_pressure = nonneg(y)?;
        } else if kw(w, "PRESS") {
            o.pressure_exponent = nonneg(y)?;
        } else {
            if y <= 0.0 {
                return Err(problem(213, "value", t[at]));
            }
            if kw(w, "VISC") {
                o.viscosity = y;
            } else if kw(w, "SPECIFIC") {
                o.specific_gravity = y;
            } else if kw(w, "TRIAL") {
                o.trials = y as u32;
            } else if kw(w, "ACCU") {
                o.accuracy = y;
            } else if kw(w, "CHECKFREQ") {
                o.check_freq = y as u32;
            } else if kw(w, "MAXCHECK") {
                o.max_check = y as u32;
            } else if kw(w, "EMIT") {
                o.emitter_exponent = y;
            } else if kw(w, "DEMAND") {
                o.demand_multiplier = y;
            } else if kw(w, "HTOL") || kw(w, "QTOL") || kw(w, "RQTOL") || kw(w, "PREC") {
                if kw(w, "RQTOL") && y >= 1.0 {
                    return Err(problem(213, "value", t[at]));
                }
                o.other.push(owned(t));
            } else {
                return Err(problem(201, "option", w));
            }
        }
        Ok(())
    }

    fn coordinate(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 3)?;
        self.node_ref(t, 0, "node")?;
        let x = num(t, 1, "x")?;
        let y = num(t, 2, "y")?;
        self.net.coordinates.push((t[0].to_string(), x, y));
        Ok(())
    }

    fn vertex(&mut self, t: &[&'a str]) -> LineResult {
        need(t, 3)?;
        if !self.link_ids.contains_key(t[0]) {
            return Err(problem(204, "link", t[0]));
        }
        let x = num(t, 1, "x")?;
        let y = num(t, 2, "y")?;
        self.net.vertices.push((t[0].to_string(), x, y));
        Ok(())
    }

    /// Whole-network checks EPANET makes after reading every line.
    fn finish(mut self, source_name: &str) -> Result<Network, ReadError> {
        let mut net = std::mem::take(&mut self.net);
        let fixed_len = self.fixed.len();
        net.nodes = std::mem::take(&mut self.junctions);
        net.nodes.append(&mut self.fixed);
        let njuncs = net.nodes.len() - fixed_len;
        let position = |(class, pos): NodeRef| if class == NodeClass::Junction { pos } else { njuncs + pos };
        let ends: Vec<[usize; 2]> = self.link_ends.iter().map(|&[a, b]| [position(a), position(b)]).collect();
        // Node positions fit in u32 (a hint that does not is simply not used).
        net.link_end_hints = LinkEndHints::new(ends.iter().map(|&[a, b]| [a as u32, b as u32]).collect());
        let mut errors = Vec::new();
        let line_error = |code: u16, line: usize, section: &str, field: &str, token: &str, message: String| LineError {
            code,
            line,
            section: section.into(),
            field: field.into(),
            token: token.into(),
            message,
        };

        // Unconnected junctions (error 233).
        let mut linked = vec![false; net.nodes.len()];
        for &[a, b] in &ends {
            linked[a] = true;
            linked[b] = true;
        }
        let unlinked: Vec<&str> = net.nodes[..njuncs]
            .iter()
            .zip(&linked)
            .filter(|&(_, &linked)| !linked)
            .map(|(n, _)| n.id.as_str())
            .collect();
        if !unlinked.is_empty() {
            // EPANET 2.2 answers 200 and lists each node with error 233.
            let errors = unlinked
                .iter()
                .map(|id| line_error(233, 0, "JUNCTIONS", "id", id, format!("{} ({id})", describe(233))))
                .collect();
            return Err(ReadError::Input { source_name: source_name.into(), errors });
        }

        // Pump curves (226, 227).
        for (k, link) in net.links.iter().enumerate() {
            let LinkKind::Pump(p) = &link.kind else { continue };
            let line = self.link_lines[k];
            if p.inline_curve.is_some() {
                if let Err(why) = crate::pump_curve::PumpCurve::from_inline(p.inline_curve.as_deref().unwrap_or_default()) {
                    errors.push(line_error(206, line, "PUMPS", "curve value", &link.id, format!("{} {}: {why}", describe(227), link.id)));
                }
                continue;
            }
            if p.power.is_some() && p.head_curve.is_none() {
                continue;
            }
            let Some(curve_id) = &p.head_curve else {
                errors.push(line_error(226, line, "PUMPS", "head curve", &link.id, describe(226).into()));
                continue;
            };
            let curve = net.curve(curve_id).expect("curve IDs were checked while reading");
            if let Err(why) = crate::pump_curve::PumpCurve::fit(&curve.points) {
                errors.push(line_error(227, line, "PUMPS", "head curve", curve_id, format!("{} {}: {why}", describe(227), link.id)));
            }
        }

        // Curves with non-increasing x (230).
        for c in &net.curves {
            if c.points.windows(2).any(|w| w[1].0 <= w[0].0) {
                let line = self.curve_lines.get(&c.id).copied().unwrap_or(0);
                errors.push(line_error(230, line, "CURVES", "x", &c.id, format!("{} {}", describe(230), c.id)));
            }
        }

        // Tank levels (225).
        for node in &net.nodes {
            let NodeKind::Tank(t) = &node.kind else { continue };
            // A zero diameter makes the tank a reservoir, which EPANET does not check.
            if t.diameter == 0.0 {
                continue;
            }
            // EPANET's test: levels in order, and within the volume curve if any.
            let mut bad = t.initial_level > t.max_level || t.min_level > t.max_level || t.initial_level < t.min_level;
            if let Some(curve) = t.volume_curve.as_deref().and_then(|c| net.curve(c))
                && let (Some(first), Some(last)) = (curve.points.first(), curve.points.last())
            {
                bad |= t.min_level < first.0 || t.max_level > last.0;
            }
            if bad {
                let line = self.tank_lines.get(&node.id).copied().unwrap_or(0);
                errors.push(line_error(225, line, "TANKS", "levels", &node.id, format!("{} {}", describe(225), node.id)));
            }
        }

        // Pressure-driven demand limits (208).
        let o = &net.options;
        if o.demand_model == DemandModel::Pda && o.required_pressure - o.minimum_pressure < 0.1 {
            errors.push(line_error(208, 0, "OPTIONS", "required pressure", "", describe(208).into()));
        }
        if !errors.is_empty() {
            return Err(ReadError::Input { source_name: source_name.into(), errors });
        }
        Ok(net)
    }
}

fn is_node_object(o: &str) -> bool {
    ["NODE", "JUNC", "TANK", "RESE"].iter().any(|k| kw(o, k))
}

fn is_link_object(o: &str) -> bool {
    ["LINK", "PIPE", "PUMP", "VALV"].iter().any(|k| kw(o, k))
}

fn canonical_object(o: &str) -> String {
    for full in ["NODE", "JUNCTION", "TANK", "RESERVOIR", "LINK", "PIPE", "PUMP", "VALVE", "SYSTEM"] {
        if kw(o, &full[..4]) {
            return full.to_string();
        }
    }
    o.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_like_epanet() {
        assert_eq!(hours("1:30", ""), Some(1.5));
        assert_eq!(hours("90", "MIN"), Some(1.5));
        assert_eq!(hours("2", "DAYS"), Some(48.0));
        assert_eq!(hours("12", "AM"), Some(0.0));
        assert_eq!(hours("1:30", "PM"), Some(13.5));
        assert_eq!(hours("13", "PM"), None);
        assert_eq!(hours("x", ""), None);
    }

    fn tokenize(line: &str) -> (Vec<&str>, Option<&str>) {
        let mut tokens = Vec::new();
        let comment = tokenize_into(line, &mut tokens);
        (tokens, comment)
    }

    #[test]
    fn tokens_quotes_and_comments() {
        let (t, c) = tokenize("  J1\t\"a b\"  12 ;Residential ");
        assert_eq!(t, vec!["J1", "a b", "12"]);
        assert_eq!(c, Some("Residential "));
        // A quote ends a token and starts the next; an unclosed one runs to
        // the end; "" is an empty token; any Unicode blank separates.
        assert_eq!(tokenize("\"a\"b \"\" x\u{3000}y \"open end").0, vec!["a", "b", "", "x", "y", "open end"]);
        assert_eq!(tokenize("   ; only a comment"), (vec![], Some(" only a comment")));
    }

    #[test]
    fn first_token_is_the_first_of_all_tokens() {
        let lines = [
            "", "   ", "; c", "a b", "  \"q r\" s", "\"open", "x;y", "\u{3000}z w", "\"\"", "é\u{a0}f", "\"a;b\" c",
            "[JUNCTIONS]", "\t\x0b\x0cv",
        ];
        for line in lines {
            assert_eq!(first_token(line), tokenize(line).0.first().copied(), "{line:?}");
        }
        // A quote cut by the comment ends there; non-breaking spaces separate.
        assert_eq!(tokenize("\"a;b\" c"), (vec!["a"], Some("b\" c")));
        assert_eq!(tokenize("é\u{a0}f").0, vec!["é", "f"]);
    }

    /// The tokenizer's rules written plainly, character by character.
    fn tokenize_plainly(line: &str) -> (Vec<String>, Option<String>) {
        let chars: Vec<char> = line.chars().collect();
        let (mut tokens, mut i) = (Vec::new(), 0);
        loop {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i == chars.len() || chars[i] == ';' {
                break;
            }
            let quoted = chars[i] == '"';
            i += quoted as usize;
            let start = i;
            while i < chars.len() && chars[i] != ';' && if quoted { chars[i] != '"' } else { !chars[i].is_whitespace() } {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
            if quoted && i < chars.len() && chars[i] == '"' {
                i += 1;
            }
        }
        (tokens, line.find(';').map(|c| line[c + 1..].to_string()))
    }

    #[test]
    fn tokens_are_what_the_rules_say_on_random_lines() {
        let alphabet = ['a', 'Z', '7', '.', '-', ' ', ' ', '\t', '\x0b', '\r', ';', '"', '[', 'é', '\u{a0}', '\u{3000}', '\u{85}', '水'];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let line: String = (0..len).map(|k| alphabet[((seed >> (k % 8 * 8)) as usize + k * 7) % alphabet.len()]).collect();
            let (tokens, comment) = tokenize(&line);
            let (want, want_comment) = tokenize_plainly(&line);
            assert_eq!(tokens, want, "{line:?}");
            assert_eq!(comment.map(str::to_string), want_comment, "{line:?}");
            assert_eq!(first_token(&line), tokens.first().copied(), "{line:?}");
        }
    }

    #[test]
    fn latin1_is_decoded() {
        assert_eq!(decode(b"caf\xe9"), "café");
        assert_eq!(decode("café".as_bytes()), "café");
    }
}
