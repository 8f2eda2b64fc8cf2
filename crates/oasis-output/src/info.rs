//! What the output files record from outside the run: the input file's name
//! and raw title lines, and the report's time stamps.

/// Run details EPANET writes into its files besides the results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunInfo {
    /// The input file name as given to the program (EPANET records it verbatim).
    pub input_file: String,
    /// The first three title lines as EPANET keeps them: raw bytes, trailing
    /// blanks and a CR of CRLF files included, at most 79 bytes each.
    pub title: [Vec<u8>; 3],
    /// The input was not UTF-8 and was read as Latin-1: IDs go back to the
    /// files as one byte per character, as EPANET has them.
    pub latin1: bool,
    /// Time stamps of the report's header and of its "Analysis begun" and
    /// "Analysis ended" lines, in C's `ctime` form (`Sun Nov 29 07:47:14 2026`).
    pub started: String,
    pub ended: String,
}

/// EPANET's `TITLELEN`.
const TITLE_MAX_BYTES: usize = 79;

impl RunInfo {
    /// Takes the title lines from the `.inp` file's own bytes, as EPANET reads
    /// them: the first three lines of `[TITLE]` that are neither blank nor
    /// comments, kept byte for byte up to the line feed.
    pub fn from_inp(input_file: &str, inp: &[u8]) -> RunInfo {
        let mut title: [Vec<u8>; 3] = Default::default();
        let mut n = 0;
        let mut in_title = false;
        for line in inp.split(|&b| b == b'\n') {
            let first = line.iter().position(|b| !b" \t\r".contains(b));
            let Some(first) = first else { continue };
            if line[first] == b'[' {
                in_title = line[first..].len() >= 6
                    && line[first..first + 6].eq_ignore_ascii_case(b"[TITLE");
                continue;
            }
            if !in_title || line[first] == b';' || n == 3 {
                continue;
            }
            title[n] = line[..line.len().min(TITLE_MAX_BYTES)].to_vec();
            n += 1;
        }
        RunInfo {
            input_file: input_file.to_string(),
            title,
            latin1: std::str::from_utf8(inp).is_err(),
            started: String::new(),
            ended: String::new(),
        }
    }

    /// An ID or name as the bytes EPANET has for it.
    pub(crate) fn bytes_of(&self, s: &str) -> Vec<u8> {
        if self.latin1 && s.chars().all(|c| (c as u32) < 256) {
            s.chars().map(|c| c as u32 as u8).collect()
        } else {
            s.as_bytes().to_vec()
        }
    }
}
