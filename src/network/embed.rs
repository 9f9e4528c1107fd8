//! One network inside another: the node of the larger network that each node of the smaller one
//! is, and the time of every arc of the larger one in the smaller (+∞ where it has none). This
//! is what re-times a hierarchy built once for the networks of a scenario, a timeline or a
//! resilience run ([`crate::route::Customizable`]): each of them is the larger network with some
//! links (and the stations only they serve) taken away.

use std::collections::HashMap;

use crate::model::{Mode, NodeId, UnitId};
use crate::network::{Link, Network, Node};

/// The key of each line of `links`, by line index: the links' `line_id`, or the link's own id
/// when it has none, numbered in order of first use. This is the line index of
/// [`Node::Station`].
pub fn line_keys(links: &[Link]) -> Vec<&str> {
    let mut seen: HashMap<&str, ()> = HashMap::new();
    let mut keys = Vec::new();
    for l in links {
        let key = l.line_id.as_deref().unwrap_or(&l.link_id);
        if seen.insert(key, ()).is_none() {
            keys.push(key);
        }
    }
    keys
}

/// A network embedded in a larger one ([`embed`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// For each arc of the larger network (its index, [`Network::arc`]), its time in the smaller
    /// one, or +∞ when the smaller one does not have it.
    pub minutes: Vec<f64>,
    /// For each node of the smaller network, the node of the larger one it is.
    pub index: Vec<u32>,
}

/// `sub` as a part of `sup`: every node of `sub` is a node of `sup` (units by id, road nodes by
/// their index in the road graph, stations by unit, mode and line key), and every arc of `sub`
/// is an arc of `sup` between those nodes with the same time, bit for bit, and the same link id
/// (or both none). `None` when `sub` is not such a part, or when an arc of `sup` for which
/// `fixed` holds is missing from `sub`: then the caller must not re-time.
///
/// # Complexity
/// O(V + E · d) for the largest out-degree d of `sup`.
pub fn embed(sup: &Network, sub: &Network, fixed: &dyn Fn(usize) -> bool) -> Option<Embedding> {
    if sup.unit_count() != sub.unit_count() || sup.kind() != sub.kind() {
        return None;
    }
    let index = node_index(sup, sub)?;
    let mut minutes = vec![f64::INFINITY; sup.arc_count()];
    for t in 0..sub.node_count() {
        let tail = NodeId(index[t]);
        for (_, h, a) in sub.out_arcs(NodeId(t as u32)) {
            let head = index[h.index()];
            let want = link_id(sub, a);
            let found = sup.out_arcs(tail).find(|(j, hh, b)| {
                hh.0 == head
                    && b.minutes.to_bits() == a.minutes.to_bits()
                    && minutes[*j].is_infinite()
                    && link_id(sup, b) == want
            });
            let (j, _, _) = found?;
            minutes[j] = a.minutes;
        }
    }
    if (0..sup.arc_count()).any(|j| minutes[j].is_infinite() && fixed(j)) {
        return None;
    }
    Some(Embedding { minutes, index })
}

/// For each node of `sub`, the node of `sup` it is; `None` when one is missing or two are the
/// same. A network with links removed (`Network::without`, a resilience failure) has the very
/// nodes of the one it came from: that case is one comparison per node.
fn node_index(sup: &Network, sub: &Network) -> Option<Vec<u32>> {
    let n = sub.node_count();
    let node = |net: &Network, k: usize| net.node(NodeId(k as u32));
    let (sup_keys, sub_keys) = (line_keys(sup.links()), line_keys(sub.links()));
    if n == sup.node_count() && sup_keys == sub_keys && (0..n).all(|k| node(sup, k) == node(sub, k))
    {
        return Some((0..n as u32).collect());
    }
    let mut roads: Vec<u32> = Vec::new();
    let mut stations: HashMap<(UnitId, Mode, &str), u32> = HashMap::new();
    for k in 0..sup.node_count() {
        match node(sup, k) {
            Node::Road(i) => {
                if roads.len() <= i as usize {
                    roads.resize(i as usize + 1, u32::MAX);
                }
                roads[i as usize] = k as u32;
            }
            Node::Station(u, m, l) => {
                stations.insert((u, m, *sup_keys.get(l as usize)?), k as u32);
            }
            Node::Unit(_) => {}
        }
    }
    let mut index = Vec::with_capacity(n);
    let mut taken = vec![false; sup.node_count()];
    for k in 0..n {
        let to = match node(sub, k) {
            Node::Unit(u) => sup.unit_node(u).0,
            Node::Road(i) => *roads.get(i as usize).filter(|&&r| r != u32::MAX)?,
            Node::Station(u, m, l) => *stations.get(&(u, m, *sub_keys.get(l as usize)?))?,
        };
        if std::mem::replace(&mut taken[to as usize], true) {
            return None;
        }
        index.push(to);
    }
    Some(index)
}

/// The link id of an arc, `None` for an access, egress, transfer or road arc.
fn link_id<'a>(net: &'a Network, a: &crate::network::Arc) -> Option<&'a str> {
    a.link.map(|l| net.link(l).link_id.as_str())
}

/// Whether arc `i` of `net` can be missing from a network embedded in it: a link's arc, or an
/// arc to or from a station (access, egress, transfer), which a station that no link serves any
/// more does not have. Road arcs and the seats' road connectors are fixed.
pub fn variable_arcs(net: &Network) -> Vec<bool> {
    let mut v = Vec::with_capacity(net.arc_count());
    for t in 0..net.node_count() {
        let tail = NodeId(t as u32);
        for (_, h, a) in net.out_arcs(tail) {
            v.push(a.link.is_some() || net.touches_station(tail, h));
        }
    }
    v
}
