//! `EN_getcomment`/`EN_setcomment`: the descriptive comments of nodes,
//! links, patterns and curves, kept in the model (and so written by
//! `EN_saveinpfile`). The solvers never read them: an open solver follows
//! a comment edit as any other edit of the model, with no change to the run.

use crate::project::{Project, Result};

impl Project {
    /// The comment of `object` (EN_NODE 0, EN_LINK 1, EN_TIMEPAT 2, EN_CURVE 3)
    /// at 1-based `index`. Any other object or index is error 251, as in
    /// EPANET 2.2, which asks for no open project (with none there is no object).
    fn comment_mut(&mut self, object: i32, index: i32) -> Result<&mut String> {
        let i = usize::try_from(index)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .ok_or(251)?;
        let net = &mut self.net;
        match object {
            0 => net.nodes.get_mut(i).map(|n| &mut n.comment),
            1 => net.links.get_mut(i).map(|l| &mut l.comment),
            2 => net.patterns.get_mut(i).map(|p| &mut p.comment),
            3 => net.curves.get_mut(i).map(|c| &mut c.comment),
            _ => None,
        }
        .ok_or(251)
    }

    /// `EN_getcomment` (a mutable borrow only to share the look-up).
    pub fn comment(&mut self, object: i32, index: i32) -> Result<&str> {
        self.comment_mut(object, index).map(|c| c.as_str())
    }

    /// `EN_setcomment`: keeps at most 255 bytes of `text`, as EPANET 2.2 does.
    pub fn set_comment(&mut self, object: i32, index: i32, text: &str) -> Result<()> {
        let kept = oasis_network::comment_text(text, self.info.latin1).to_string();
        *self.comment_mut(object, index)? = kept;
        Ok(())
    }
}
