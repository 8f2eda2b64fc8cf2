//! EPANET 2.2's error and warning texts, as `EN_geterror` returns them.

/// The text of a warning (1–6) or error code, as EPANET 2.2 writes it.
pub fn message(code: i32) -> String {
    let warning = match code {
        1 => Some("WARNING: System hydraulically unbalanced."),
        2 => Some("WARNING: System may be hydraulically unstable."),
        3 => Some("WARNING: System disconnected."),
        4 => Some("WARNING: Pumps cannot deliver enough flow or head."),
        5 => Some("WARNING: Valves cannot deliver enough flow."),
        6 => Some("WARNING: System has negative pressures."),
        _ => None,
    };
    if let Some(w) = warning {
        return w.to_string();
    }
    // Errors about a toolkit call's arguments read "function call contains …".
    let call = (202..=222).contains(&code) || (240..=261).contains(&code);
    format!(
        "Error {code}: {}{}",
        if call { "function call contains " } else { "" },
        text(code)
    )
}

/// The bare text of an error code ("" for a code EPANET does not know).
pub fn text(code: i32) -> &'static str {
    match code {
        0 => "ok",
        101 => "insufficient memory available",
        102 => "no network data available",
        103 => "hydraulic solver not opened",
        104 => "no hydraulics for water quality analysis",
        105 => "water quality solver not opened",
        106 => "no results saved to report on",
        107 => "hydraulics supplied from external file",
        108 => "cannot use external file while hydraulics solver is active",
        110 => "cannot solve network hydraulic equations",
        120 => "cannot solve water quality transport equations",
        200 => "one or more errors in input file",
        201 => "syntax error",
        202 => "illegal numeric value",
        203 => "undefined node",
        204 => "undefined link",
        205 => "undefined time pattern",
        206 => "undefined curve",
        207 => "attempt to control CV/GPV link",
        208 => "illegal PDA pressure limits",
        209 => "illegal node property value",
        211 => "illegal link property value",
        212 => "undefined trace node",
        213 => "invalid option value",
        214 => "too many characters in input line",
        215 => "duplicate ID label",
        216 => "reference to undefined pump",
        217 => "invalid pump energy data",
        219 => "illegal valve connection to tank node",
        220 => "illegal valve connection to another valve",
        221 => "mis-placed rule clause in rule-based control",
        222 => "same start and end nodes for link",
        223 => "not enough nodes in network",
        224 => "no tanks or reservoirs in network",
        225 => "invalid lower/upper levels for tank",
        226 => "no head curve or power rating for pump",
        227 => "invalid head curve for pump",
        230 => "nonincreasing x-values for curve",
        233 => "network has unconnected node",
        240 => "nonexistent source",
        241 => "nonexistent control",
        250 => "invalid format",
        251 => "invalid parameter code",
        252 => "invalid ID name",
        253 => "nonexistent demand category",
        254 => "node with no coordinates",
        255 => "invalid link vertex",
        257 => "nonexistent rule",
        258 => "nonexistent rule clause",
        259 => "attempt to delete a node that still has links connected to it",
        260 => "attempt to delete node assigned as a Trace Node",
        261 => "attempt to delete a node or link contained in a control",
        262 => "attempt to modify network structure while solver is active",
        301 => "identical file names",
        302 => "cannot open input file",
        303 => "cannot open report file",
        304 => "cannot open binary output file",
        305 => "cannot open hydraulics file",
        306 => "hydraulics file does not match network data",
        307 => "cannot read hydraulics file",
        308 => "cannot save results to file",
        309 => "cannot save results to report file",
        _ => "",
    }
}
