//! `EN_getcomment`/`EN_setcomment`: the descriptive comments of nodes,
//! links, patterns and curves, kept in the model (and so written by
//! `EN_saveinpfile`); the solvers never read them.

use oasis_network::{Curve, Link, Network, Node, Pattern};

use crate::project::{Project, Result};

impl Project {
    /// The comment of `object` (EN_NODE 0, EN_LINK 1, EN_TIMEPAT 2, EN_CURVE 3)
    /// at 1-based `index`. Any other object or index is error 251, as in
    /// EPANET 2.2, which asks for no open project (with none there is no object).
    fn comment_mut(&mut self, object: i32, index: i32) -> Result<&mut String> {
        let i = usize::try_from(index).ok().and_then(|i| i.checked_sub(1)).ok_or(251)?;
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

/// Whether `a` and `b` differ at most in comments, which are no edit for an
/// open solver to follow (EPANET 2.2's setcomment touches nothing else). Every
/// field is named, so that a new one cannot be left out unnoticed.
pub(crate) fn same_but_comments(a: &Network, b: &Network) -> bool {
    let Network {
        title,
        nodes,
        links,
        patterns,
        curves,
        controls,
        rules,
        options,
        times,
        energy,
        quality,
        sources,
        reactions,
        mixing,
        report,
        tags,
        coordinates,
        vertices,
        labels,
        backdrop,
        other_sections,
        link_end_hints: _,
    } = a;
    fn same<T>(a: &[T], b: &[T], f: impl Fn(&T, &T) -> bool) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| f(x, y))
    }
    same(nodes, &b.nodes, |x, y| {
        let Node { id, elevation, kind, comment: _ } = x;
        (id, elevation, kind) == (&y.id, &y.elevation, &y.kind)
    }) && same(links, &b.links, |x, y| {
        let Link { id, from, to, kind, initial_status, comment: _ } = x;
        (id, from, to, kind, initial_status) == (&y.id, &y.from, &y.to, &y.kind, &y.initial_status)
    }) && same(patterns, &b.patterns, |x, y| {
        let Pattern { id, factors, comment: _ } = x;
        (id, factors) == (&y.id, &y.factors)
    }) && same(curves, &b.curves, |x, y| {
        let Curve { id, points, comment: _ } = x;
        (id, points) == (&y.id, &y.points)
    }) && *title == b.title
        && *controls == b.controls
        && *rules == b.rules
        && *options == b.options
        && *times == b.times
        && *energy == b.energy
        && *quality == b.quality
        && *sources == b.sources
        && *reactions == b.reactions
        && *mixing == b.mixing
        && *report == b.report
        && *tags == b.tags
        && *coordinates == b.coordinates
        && *vertices == b.vertices
        && *labels == b.labels
        && *backdrop == b.backdrop
        && *other_sections == b.other_sections
}
