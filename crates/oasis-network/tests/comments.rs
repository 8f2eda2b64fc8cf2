//! Object comments: read where EPANET 2.2's reader takes them (input2.c,
//! input3.c of v2.2: the text after `;` on a node's or link's line; for a
//! pattern or a curve the comment line just above the first of its lines
//! that does not go on from the line before, once), written back by
//! `write_inp` where EPANET's `EN_saveinpfile` writes them, and read again.
//! The expected texts follow those rules by hand; the toolkit's tests compare
//! the same rules with EPANET 2.2 itself.

use oasis_network::{Network, comment_text, read_inp, write_inp};

const INP: &str = "[TITLE]
comments

[JUNCTIONS]
;ID  Elev  Demand
 J1  10  1  ; blanks kept  \r
 J2  10  1  ;cut at a carriage return\rnot this
 J3  10  1
 J4  10  1  ;a;b

[RESERVOIRS]
 R1  50  ;source

[PIPES]
 P1  R1  J1  100  6  100  0  ;main
 P2  J1  J2  100  6  100  0
 P3  J2  J3  100  6  100  0  Open  ;with status
 P4  J3  J4  100  6  100  0

[DEMANDS]
 J3  2  ;  a category, not a comment

[PATTERNS]
;ID  Multipliers
;first
 A  1  2  ;a pattern line's own comment is not kept
;not kept: A goes on
 A  3
;lost to the blank line

 B  1
 C  1
;kept by B
 B  2
;not kept: A has one
 A  4

[CURVES]
;PUMP: a curve
 K  0  10
 K  5  5

[END]
";

fn read(text: &str) -> Network {
    read_inp(text.as_bytes(), "comments").expect("reads")
}

fn comments(net: &Network) -> Vec<&str> {
    let nodes = net.nodes.iter().map(|n| n.comment.as_str());
    let links = net.links.iter().map(|l| l.comment.as_str());
    let patterns = net.patterns.iter().map(|p| p.comment.as_str());
    let curves = net.curves.iter().map(|c| c.comment.as_str());
    nodes.chain(links).chain(patterns).chain(curves).collect()
}

#[test]
fn comments_are_read_where_epanet22_reads_them() {
    let net = read(INP);
    assert_eq!(
        comments(&net),
        [
            " blanks kept  ",
            "cut at a carriage return",
            "",
            "a;b",
            "source",
            "main",
            "",
            "with status",
            "",
            "first",
            "kept by B",
            "",
            "PUMP: a curve"
        ]
    );
    let oasis_network::NodeKind::Junction(j3) = &net.nodes[2].kind else { panic!("J3 is a junction") };
    assert_eq!(j3.demands[0].category.as_deref(), Some("a category, not a comment"));
}

#[test]
fn comments_are_written_and_read_back() {
    let mut net = read(INP);
    net.links[1].comment = "set on P2".into();
    net.patterns[2].comment = " set on C".into();
    // A line break cannot be written: what comes before it is.
    net.nodes[2].comment = "J3\nsecond line".into();
    let text = write_inp(&net);
    assert!(text.contains(";set on P2\n"), "{text}");
    assert!(text.contains("\n; set on C\n C\t1\n"), "{text}");
    let back = read(&text);
    assert_eq!(comments(&back)[2], "J3");
    net.nodes[2].comment = "J3".into();
    assert_eq!(back, net);
    assert_eq!(write_inp(&back), text);
}

#[test]
fn a_comment_keeps_255_bytes_of_the_file() {
    let long = "é".repeat(200);
    // UTF-8: 2 bytes each, and no character is split.
    assert_eq!(comment_text(&long, false).len(), 254);
    // Latin-1: one byte each.
    assert_eq!(comment_text(&long, true).chars().count(), 200);
    assert_eq!(comment_text(&"x".repeat(300), true), "x".repeat(255));
    let line = format!(" J1 10 ;{}\n", "z".repeat(400));
    let net = read(&INP.replace(" J1  10  1  ; blanks kept  \r\n", &line));
    assert_eq!(net.nodes[0].comment, "z".repeat(255));
}
