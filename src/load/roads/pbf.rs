//! OpenStreetMap `.osm.pbf` extracts through the `osm4routing` crate, with its panics caught
//! and the block framing checked first.

use std::fs::File;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use super::{RoadClass, RoadEdge, RoadGraph, RoadNode, id_index, io_error};
use crate::error::{Error, Location, Result, show_number};
use crate::load::RoadParams;

/// Serialises the swaps of the process-wide panic hook, so that two loads at once cannot leave
/// the silent hook installed.
static PANIC_HOOK: Mutex<()> = Mutex::new(());

/// Run `f`, turning a panic into `Err(its message)` and keeping it off stderr.
fn without_panicking<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    let _guard = PANIC_HOOK.lock().unwrap_or_else(PoisonError::into_inner);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the reader failed".to_string());
        // Assertion messages run over several lines; the first says what failed.
        msg.lines().next().unwrap_or_default().to_string()
    })
}

/// Walk the file's block framing (each block: a 4-byte big-endian header length, a
/// `BlobHeader` message giving the block's `datasize`, then the block), seeking over the data.
///
/// osm4routing skips unreadable blocks silently, so a file that is not a PBF at all would read
/// as an empty graph, and osmpbfreader panics on a truncated one; this names the problem.
fn check_blocks(path: &Path) -> std::result::Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut pos = 0u64;
    let mut data_blocks = 0usize;
    let mut header = Vec::new();
    while pos < len {
        let start = pos;
        let truncated = |what: &str, need: u64, have: u64| {
            format!(
                "truncated: the block at byte {start} needs {need} bytes of {what}, the file has \
                 {have} left"
            )
        };
        if len - pos < 4 {
            return Err(truncated("header length", 4, len - pos));
        }
        let mut size = [0u8; 4];
        file.read_exact(&mut size).map_err(|e| e.to_string())?;
        let header_len = u64::from(u32::from_be_bytes(size));
        pos += 4;
        if header_len > 64 * 1024 {
            return Err(format!(
                "invalid block header at byte {start}: its length would be {header_len} bytes, \
                 more than 64 KiB"
            ));
        }
        if len - pos < header_len {
            return Err(truncated("header", header_len, len - pos));
        }
        header.resize(usize::try_from(header_len).unwrap_or(0), 0);
        file.read_exact(&mut header).map_err(|e| e.to_string())?;
        pos += header_len;
        let (kind, data_len) =
            blob_header(&header).ok_or_else(|| format!("invalid block header at byte {start}"))?;
        if len - pos < data_len {
            return Err(truncated("data", data_len, len - pos));
        }
        if kind == "OSMData" {
            data_blocks += 1;
        }
        pos += data_len;
        file.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
    }
    if data_blocks == 0 {
        return Err("no OSM data blocks".to_string());
    }
    Ok(())
}

/// The `type` (field 1) and `datasize` (field 3) of a PBF `BlobHeader` protobuf message.
fn blob_header(mut b: &[u8]) -> Option<(String, u64)> {
    let (mut kind, mut size) = (None, None);
    while !b.is_empty() {
        let key = varint(&mut b)?;
        match (key >> 3, key & 7) {
            (field, 0) => {
                let v = varint(&mut b)?;
                if field == 3 {
                    size = Some(v);
                }
            }
            (field, 2) => {
                let n = usize::try_from(varint(&mut b)?).ok()?;
                let (v, rest) = b.split_at_checked(n)?;
                if field == 1 {
                    kind = Some(String::from_utf8_lossy(v).into_owned());
                }
                b = rest;
            }
            (_, 1) => b = b.get(8..)?,
            (_, 5) => b = b.get(4..)?,
            _ => return None,
        }
    }
    Some((kind?, size?))
}

/// A protobuf base-128 varint.
fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn car(c: osm4routing::CarAccessibility) -> Option<RoadClass> {
    use osm4routing::CarAccessibility as C;
    match c {
        C::Unknown | C::Forbidden => None,
        C::Residential => Some(RoadClass::Residential),
        C::Tertiary => Some(RoadClass::Tertiary),
        C::Secondary => Some(RoadClass::Secondary),
        C::Primary => Some(RoadClass::Primary),
        C::Trunk => Some(RoadClass::Trunk),
        C::Motorway => Some(RoadClass::Motorway),
    }
}

pub(super) fn load_pbf(path: &Path, params: &RoadParams) -> Result<RoadGraph> {
    let file = path.display().to_string();
    std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    let bad = |msg: String| {
        Error::input(
            &file,
            Location::File,
            format!("not a readable OpenStreetMap PBF extract: {msg}"),
        )
    };
    let (mut nodes, mut edges) = without_panicking(|| {
        check_blocks(path)?;
        osm4routing::Reader::new().read(path)
    })
    .map_err(&bad)?
    .map_err(&bad)?;
    // osm4routing returns its nodes from a hash map, in no fixed order.
    nodes.sort_unstable_by_key(|n| n.id.0);
    edges.sort_by(|a, b| (a.source.0, a.target.0, &a.id).cmp(&(b.source.0, b.target.0, &b.id)));
    let mut index = id_index(nodes.len());
    let mut g = RoadGraph {
        source: file.clone(),
        nodes: Vec::with_capacity(nodes.len()),
        edges: Vec::with_capacity(edges.len()),
        skipped_no_car: 0,
    };
    for n in &nodes {
        let i = u32::try_from(g.nodes.len())
            .map_err(|_| bad("more than 4 294 967 295 nodes".to_string()))?;
        index.insert(n.id.0, i);
        g.nodes.push(RoadNode {
            id: n.id.0,
            lon: n.coord.x,
            lat: n.coord.y,
        });
    }
    for e in &edges {
        let node = |id: osm4routing::NodeId| {
            index.get(&id.0).copied().ok_or_else(|| {
                bad(format!(
                    "edge {} of way {} ends at node {}, which the extract does not hold",
                    e.id, e.osm_id.0, id.0
                ))
            })
        };
        let (source, target) = (node(e.source)?, node(e.target)?);
        let forward = car(e.properties.car_forward);
        let backward = car(e.properties.car_backward);
        match RoadEdge::by_class(source, target, e.length(), forward, backward, params) {
            Ok(Some(e)) => g.edges.push(e),
            Ok(None) => g.skipped_no_car += 1,
            Err(why) => {
                return Err(Error::input(
                    &file,
                    Location::File,
                    format!(
                        "edge {} of way {} is {} m long: {why}",
                        e.id,
                        e.osm_id.0,
                        show_number((e.length() * 10.0).round() / 10.0)
                    ),
                ));
            }
        }
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osm4routing_classes_map_one_to_one() {
        use osm4routing::CarAccessibility as C;
        assert_eq!(car(C::Unknown), None);
        assert_eq!(car(C::Forbidden), None);
        assert_eq!(car(C::Residential), Some(RoadClass::Residential));
        assert_eq!(car(C::Tertiary), Some(RoadClass::Tertiary));
        assert_eq!(car(C::Secondary), Some(RoadClass::Secondary));
        assert_eq!(car(C::Primary), Some(RoadClass::Primary));
        assert_eq!(car(C::Trunk), Some(RoadClass::Trunk));
        assert_eq!(car(C::Motorway), Some(RoadClass::Motorway));
    }

    #[test]
    fn panics_become_one_line_messages() {
        let r: std::result::Result<(), String> = without_panicking(|| {
            panic!("Missing node, id: 42\nsecond line");
        });
        assert_eq!(r, Err("Missing node, id: 42".to_string()));
        assert_eq!(without_panicking(|| 7), Ok(7));
    }
}
