//! Writing a synthetic network: osm4routing's `nodes.csv` and `edges.csv`, the units layer,
//! the links file and the study file.

use super::*;

/// Node id → index: direct for consecutive ids (what [`generate`] makes), else a sorted table.
pub(super) struct NodeLookup<'a> {
    nodes: &'a [SynthNode],
    sorted: Option<Vec<(i64, usize)>>,
}

impl<'a> NodeLookup<'a> {
    pub(super) fn new(nodes: &'a [SynthNode]) -> Self {
        let consecutive = nodes
            .iter()
            .enumerate()
            .all(|(i, n)| nodes.first().is_some_and(|f| n.id == f.id + i as i64));
        let sorted = (!consecutive).then(|| {
            let mut t: Vec<(i64, usize)> =
                nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
            t.sort_unstable();
            t
        });
        NodeLookup { nodes, sorted }
    }

    pub(super) fn get(&self, id: i64) -> Option<&'a SynthNode> {
        match &self.sorted {
            None => {
                let first = self.nodes.first()?.id;
                let i = usize::try_from(id.checked_sub(first)?).ok()?;
                self.nodes.get(i)
            }
            Some(t) => {
                let k = t.binary_search_by_key(&id, |&(id, _)| id).ok()?;
                Some(&self.nodes[t[k].1])
            }
        }
    }
}

/// A CSV field, quoted when it needs to be.
pub(super) fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// A JSON (and TOML basic) string literal.
pub(super) fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

pub(super) fn write_nodes(w: &mut dyn Write, s: &Synth) -> std::io::Result<()> {
    writeln!(w, "id,lon,lat")?;
    for n in &s.nodes {
        writeln!(w, "{},{:.7},{:.7}", n.id, n.lon, n.lat)?;
    }
    Ok(())
}

pub(super) fn write_edges(
    w: &mut dyn Write,
    s: &Synth,
    lookup: &NodeLookup<'_>,
) -> std::io::Result<()> {
    writeln!(w, "{EDGES_HEADER}")?;
    let missing = || std::io::Error::other("an edge names an unknown node");
    for (k, e) in s.edges.iter().enumerate() {
        let a = lookup.get(e.source).ok_or_else(missing)?;
        let b = lookup.get(e.target).ok_or_else(missing)?;
        let class = csv_field(e.class);
        let backward = if e.oneway { "Forbidden" } else { &class };
        writeln!(
            w,
            "{},{},{},{},{:.2},Allowed,{class},{backward},Allowed,Allowed,Forbidden,\"LINESTRING({:.7} {:.7}, {:.7} {:.7})\"",
            csv_field(&e.id),
            k + 1,
            e.source,
            e.target,
            e.length_m,
            a.lon,
            a.lat,
            b.lon,
            b.lat
        )?;
    }
    Ok(())
}

pub(super) fn write_units(w: &mut dyn Write, s: &Synth) -> std::io::Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, u) in s.units.iter().enumerate() {
        let sep = if i + 1 < s.units.len() { "," } else { "" };
        writeln!(
            w,
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":{},\"name_en\":{},\"pop_2020_census\":{},\"region_en\":\"Synthetic\",\"seat_lon\":{:.7},\"seat_lat\":{:.7}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{:.7},{:.7}]}}}}{sep}",
            quoted(&u.code),
            quoted(&u.name),
            u.population,
            u.lon,
            u.lat,
            u.lon,
            u.lat
        )?;
    }
    writeln!(w, "]}}")
}

/// The bounding box of nodes and units with a margin, rounded outwards to 0.01°.
pub(super) fn bbox(s: &Synth) -> [f64; 4] {
    let pts = s
        .nodes
        .iter()
        .map(|n| (n.lon, n.lat))
        .chain(s.units.iter().map(|u| (u.lon, u.lat)));
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    let down = |v: f64, lim: f64| (((v - BBOX_MARGIN_DEG) * 100.0).floor() / 100.0).max(lim);
    let up = |v: f64, lim: f64| (((v + BBOX_MARGIN_DEG) * 100.0).ceil() / 100.0).min(lim);
    [
        down(b[0], -180.0),
        down(b[1], -90.0),
        up(b[2], 180.0),
        up(b[3], 90.0),
    ]
}

pub(super) fn write_study(w: &mut dyn Write, s: &Synth, ranked: &[usize]) -> std::io::Result<()> {
    let [x0, y0, x1, y1] = bbox(s);
    let (a, b) = (&s.units[ranked[0]], &s.units[ranked[1]]);
    write!(
        w,
        r#"# A synthetic regionlink study written by `regionlink synth`: {nodes} road nodes, {edges} road
# edges (nodes.csv + edges.csv, osm4routing layout), {units} point units (units.geojson) and
# synthetic high-speed-rail links between the largest units (links.csv).

name = "Synthetic road network ({nodes} nodes, {units} units)"

bands_min = [30, 60, 90]

# The network with a margin [lon_min, lat_min, lon_max, lat_max].
bbox = [{x0:.2}, {y0:.2}, {x1:.2}, {y1:.2}]

[fields]
id = "code"
name = "name_en"
population = "pop_2020_census"
population_unit = "persons"
region = "region_en"
seat_lon = "seat_lon"
seat_lat = "seat_lat"

# The two largest units, far apart.
[[cores]]
name = "core_a"
codes = [{a}]

[[cores]]
name = "core_b"
codes = [{b}]

[network]
contiguity = false   # the units are points: no borders to share

[measures]
mass = "pop"
decays = ["power:1", "exp:0.05"]
self_potential = false   # points have no area for an internal travel time
"#,
        nodes = s.nodes.len(),
        edges = s.edges.len(),
        units = s.units.len(),
        a = quoted(&a.code),
        b = quoted(&b.code),
    )
}

/// The unit pairs of the rail links: the two cores; when there are more units, the third and
/// fourth largest each to its nearer core, and to each other.
pub(super) fn link_pairs(s: &Synth, ranked: &[usize]) -> Vec<(usize, usize)> {
    let pos = |i: usize| (s.units[i].lon, s.units[i].lat);
    let (a, b) = (ranked[0], ranked[1]);
    let mut pairs = vec![(a, b)];
    for &u in ranked.iter().skip(2).take(2) {
        let core = if distance_m(pos(u), pos(a)) <= distance_m(pos(u), pos(b)) {
            a
        } else {
            b
        };
        pairs.push((core, u));
    }
    if ranked.len() >= 4 {
        pairs.push((ranked[2], ranked[3]));
    }
    pairs
}

pub(super) fn write_links(w: &mut dyn Write, s: &Synth, ranked: &[usize]) -> std::io::Result<()> {
    writeln!(w, "{LINKS_HEADER}")?;
    for (k, (i, j)) in link_pairs(s, ranked).into_iter().enumerate() {
        let (u, v) = (&s.units[i], &s.units[j]);
        let km = distance_m((u.lon, u.lat), (v.lon, v.lat)) / 1000.0;
        let round1 = |x: f64| ((x * 10.0).round() / 10.0).max(0.1);
        let id = format!("H{:02}", k + 1);
        writeln!(
            w,
            "{id},{id},{},{},{},{},hsr,segment,Synthetic HSR {},,open,2020,,250,{:.1},synthetic_great_circle,{:.1},synthetic,{:.1},SYNTH,synthetic (regionlink synth)",
            csv_field(&u.code),
            csv_field(&u.name),
            csv_field(&v.code),
            csv_field(&v.name),
            k + 1,
            round1(km),
            round1(km / HSR_KMH * 60.0),
            round1(km),
        )?;
    }
    Ok(())
}
