//! The EPANET `.inp` text format.
pub mod read;
pub mod write;

/// EPANET 2.2 keeps at most MAXMSG (255) bytes of an object's comment.
pub const MAX_COMMENT_BYTES: usize = 255;

/// The part of `text` that EPANET 2.2 keeps as an object's comment: at most
/// [`MAX_COMMENT_BYTES`] bytes as the file has them (one byte per character
/// in a file read as Latin-1). A UTF-8 character is not split, where EPANET
/// would keep its first bytes.
pub fn comment_text(text: &str, latin1: bool) -> &str {
    let mut bytes = 0;
    for (i, c) in text.char_indices() {
        bytes += if latin1 { 1 } else { c.len_utf8() };
        if bytes > MAX_COMMENT_BYTES {
            return &text[..i];
        }
    }
    text
}

/// `text` up to its first line break: all of a comment a line can hold.
pub(crate) fn first_line(text: &str) -> &str {
    &text[..text.find(['\r', '\n']).unwrap_or(text.len())]
}
