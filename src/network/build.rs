//! From links to a frozen [`Network`]: select the links in service, attach their ends to
//! units, generate road links (or join a road graph), add station
//! nodes with their access and egress arcs, freeze.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result, show_number};
use crate::load::dataset::Gazetteer;
use crate::load::links::MAX_LINK_MIN;
use crate::load::roads::RoadGraph;
use crate::load::{NetworkParams, RawLink, RoadParams};
use crate::model::{LinkId, LinkStatus, Minutes, Mode, Region, UnitId};
use crate::network::attach::Locator;
use crate::network::generate;
use crate::network::graph::{Arc, Attach, Link, Network, NetworkKind, Node};
use crate::network::scenario::Scenario;

/// What [`build_network`] did, for `info` and reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// Links read from the file(s).
    pub links_in_file: usize,
    /// Links in service in the scenario.
    pub links_in_service: usize,
    /// Link ends attached by code.
    pub ends_by_code: usize,
    /// Link ends attached by the polygon containing their position: (link id, end code, unit code).
    pub ends_by_location: Vec<(String, String, String)>,
    /// Links whose two ends fell in the same unit (dropped): link ids.
    pub collapsed: Vec<String>,
    /// Parallel links of one mode between the same units, all kept: (faster, slower).
    pub parallel: Vec<(String, String)>,
    /// Curated links by mode (in service, after de-duplication).
    pub by_mode: BTreeMap<String, usize>,
    /// Generated contiguity links.
    pub generated_contiguity: usize,
    /// Generated nearest-seat links (not already contiguity links).
    pub generated_nearest: usize,
    /// The road graph, when one was given (then no road links are generated).
    pub roads: Option<crate::network::roads::RoadReport>,
}

/// Options of [`build_network`].
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions<'a> {
    /// Mode parameters, generation settings.
    pub params: &'a NetworkParams,
    /// Which links are in service.
    pub scenario: &'a Scenario,
    /// Which modes are used.
    pub kind: NetworkKind,
    /// A road graph (`--roads`) replacing the generated road links, and its parameters.
    pub roads: Option<(&'a RoadGraph, &'a RoadParams)>,
    /// Seats of codes that are not units of the layer (link ends are located in the polygon
    /// that contains them); see [`crate::load::Inputs::gazetteer`].
    pub gazetteer: Option<&'a Gazetteer>,
}

/// The curated links of `opts`' scenario attached to units (ids not yet set), and the report's
/// fields about them: selection, attachment, collapsed and parallel links, counts by mode.
///
/// # Errors
/// See [`build_network`].
fn curated(
    region: &Region,
    links: &[RawLink],
    opts: BuildOptions<'_>,
) -> Result<(Vec<Link>, BuildReport)> {
    let params = opts.params;
    let mut report = BuildReport {
        links_in_file: links.len()
            + opts
                .scenario
                .add
                .iter()
                .map(|a| a.links.len())
                .sum::<usize>(),
        ..Default::default()
    };
    let all_links = links
        .iter()
        .chain(opts.scenario.add.iter().flat_map(|a| &a.links));
    for raw in all_links {
        check_length_time(raw, params)?;
    }
    let selected = opts.scenario.select(links)?;
    report.links_in_service = selected.len();
    let locator = Locator::new(region, opts.gazetteer);
    let mut attached: Vec<Link> = Vec::new();
    for raw in selected {
        if !opts.kind.includes(raw.mode) {
            continue;
        }
        let (from, fa) = locator.attach(region, raw, true)?;
        let (to, ta) = locator.attach(region, raw, false)?;
        for (a, code, u) in [(fa, &raw.from_code, from), (ta, &raw.to_code, to)] {
            match a {
                Attach::Location => report.ends_by_location.push((
                    raw.link_id.clone(),
                    code.clone(),
                    region.unit(u).code.clone(),
                )),
                _ => report.ends_by_code += 1,
            }
        }
        if from == to {
            report.collapsed.push(raw.link_id.clone());
            continue;
        }
        let p = params.mode(raw.mode);
        let (minutes, time_source) = match (raw.time_min, raw.length_km) {
            (Some(t), _) => (
                t,
                raw.time_source
                    .clone()
                    .unwrap_or_else(|| "user-supplied".into()),
            ),
            (None, Some(km)) => (
                km / p.speed_kmh * 60.0,
                format!("length_km/{}kmh", p.speed_kmh),
            ),
            (None, None) => unreachable!("the loader requires time_min or length_km"),
        };
        let estimate = !time_source.starts_with("timetable");
        attached.push(Link {
            id: LinkId(0),
            link_id: raw.link_id.clone(),
            line_id: raw.line_id.clone(),
            line_name: raw.line_name.clone(),
            line_name_zh: raw.line_name_zh.clone(),
            from,
            to,
            from_code: raw.from_code.clone(),
            to_code: raw.to_code.clone(),
            attach: (fa, ta),
            mode: raw.mode,
            status: raw.status,
            opening_year: raw.opening_year,
            planned_year: raw.planned_year,
            minutes: Minutes(minutes),
            time_source,
            estimate,
            length_km: raw.length_km,
            generated: false,
        });
    }
    // Parallel links of one mode between the same (unordered) pair all stay: the search takes
    // the faster, and a failure of one (resilience, --drop) leaves the other. Each pair after
    // the first is reported with the fastest so far (ties: the one listed first).
    let mut fastest: BTreeMap<(UnitId, UnitId, Mode), usize> = BTreeMap::new();
    for (i, l) in attached.iter().enumerate() {
        let key = (l.from.min(l.to), l.from.max(l.to), l.mode);
        match fastest.get(&key) {
            None => {
                fastest.insert(key, i);
            }
            Some(&j) => {
                let (fast, slow) = if l.minutes.0 < attached[j].minutes.0 {
                    (i, j)
                } else {
                    (j, i)
                };
                fastest.insert(key, fast);
                report.parallel.push((
                    attached[fast].link_id.clone(),
                    attached[slow].link_id.clone(),
                ));
            }
        }
    }
    for l in &attached {
        *report
            .by_mode
            .entry(l.mode.as_str().to_string())
            .or_default() += 1;
    }
    Ok((attached, report))
}

/// Attach the links in service to units, generate road links, and freeze the network.
///
/// Link ends whose code is not a unit of `region` are located by position (the file's
/// `from_lon/from_lat`, a LineString's end, or the seat of that code in the embedded default
/// dataset) in the unit polygon that contains it. Parallel links of one mode between the same
/// two units all stay (the search takes the faster; [`BuildReport::parallel`] lists them).
///
/// # Errors
/// A link end that cannot be attached (file, line, field, value).
pub fn build_network(
    region: &Region,
    links: &[RawLink],
    opts: BuildOptions<'_>,
) -> Result<(Network, BuildReport)> {
    let params = opts.params;
    let (attached, mut report) = curated(region, links, opts)?;
    let mut out = attached;

    // Generated road links (not when a road graph is given: it is the road network).
    if opts.kind.includes(Mode::Road) && opts.roads.is_none() {
        let road = params.mode(Mode::Road);
        let mut pairs: BTreeMap<(UnitId, UnitId), (f64, &'static str)> = BTreeMap::new();
        if params.contiguity {
            for n in generate::contiguity(
                region,
                params.contiguity_min_border_km,
                params.contiguity_tolerance_m,
            ) {
                pairs.insert((n.a, n.b), (n.seat_km, "contiguity"));
            }
            report.generated_contiguity = pairs.len();
        }
        if params.nearest_k > 0 {
            for (a, b, km) in generate::nearest_seats(region, params.nearest_k) {
                if pairs
                    .insert((a.min(b), a.max(b)), (km, "nearest"))
                    .is_none()
                {
                    report.generated_nearest += 1;
                } else {
                    // keep the contiguity label
                    pairs.insert((a.min(b), a.max(b)), (km, "contiguity"));
                }
            }
        }
        for ((a, b), (km, how)) in pairs {
            let road_km = km * params.circuity;
            let minutes = road_km / road.speed_kmh * 60.0;
            let (ca, cb) = (&region.unit(a).code, &region.unit(b).code);
            if !minutes.is_finite() || minutes > MAX_LINK_MIN {
                return Err(Error::input(
                    &region.source,
                    crate::error::Location::File,
                    format!(
                        "the generated road link ({how}) between {ca} and {cb} would take {} min (seats {} km apart × circuity {} at {} km/h), over the 24 h a link may take; check the two seats, or give the pair a link in the links file (study key network.nearest_k = 0 stops nearest-seat links)",
                        show_number(minutes.round()),
                        show_number(km.round()),
                        params.circuity,
                        road.speed_kmh
                    ),
                ));
            }
            out.push(Link {
                id: LinkId(0),
                link_id: format!("gen-{ca}-{cb}"),
                line_id: None,
                line_name: Some(format!("generated road ({how})")),
                line_name_zh: None,
                from: a,
                to: b,
                from_code: ca.clone(),
                to_code: cb.clone(),
                attach: (Attach::Generated, Attach::Generated),
                mode: Mode::Road,
                status: LinkStatus::Open,
                opening_year: None,
                planned_year: None,
                minutes: Minutes(minutes.max(f64::MIN_POSITIVE)),
                time_source: format!(
                    "generated:{how}:great_circle_km*{}/{}kmh",
                    params.circuity, road.speed_kmh
                ),
                estimate: true,
                length_km: Some(road_km),
                generated: true,
            });
        }
    }
    for (i, l) in out.iter_mut().enumerate() {
        l.id = LinkId(i as u32);
    }

    // The graph: unit nodes, then station nodes (one per unit, mode and line) in order of first
    // use, then road nodes.
    let mut nodes: Vec<Node> = region.units.iter().map(|u| Node::Unit(u.id)).collect();
    let mut arcs: Vec<(u32, u32, Arc)> = Vec::new();
    let mut stations: BTreeMap<(UnitId, Mode, u32), u32> = BTreeMap::new();
    let lines: BTreeMap<&str, u32> = crate::network::embed::line_keys(&out)
        .into_iter()
        .enumerate()
        .map(|(i, k)| (k, i as u32))
        .collect();
    let mut node_of =
        |nodes: &mut Vec<Node>, arcs: &mut Vec<(u32, u32, Arc)>, u: UnitId, m: Mode, line: u32| {
            let p = params.mode(m);
            if p.access_min == 0.0 && p.egress_min == 0.0 {
                return u.0;
            }
            *stations.entry((u, m, line)).or_insert_with(|| {
                let s = nodes.len() as u32;
                nodes.push(Node::Station(u, m, line));
                let access = Arc {
                    minutes: p.access_min,
                    link: None,
                };
                let egress = Arc {
                    minutes: p.egress_min,
                    link: None,
                };
                arcs.push((u.0, s, access));
                arcs.push((s, u.0, egress));
                s
            })
        };
    for l in &out {
        let line = lines[l.line_id.as_deref().unwrap_or(&l.link_id)];
        let a = node_of(&mut nodes, &mut arcs, l.from, l.mode, line);
        let b = node_of(&mut nodes, &mut arcs, l.to, l.mode, line);
        let arc = Arc {
            minutes: l.minutes.0,
            link: Some(l.id),
        };
        arcs.push((a, b, arc));
        arcs.push((b, a, arc));
    }
    // Transfers: between the stations of two lines of one unit, the study's transfer time of
    // the two modes (both ways); where the study gives none, the change goes through the seat
    // (egress, then access).
    let mut by_unit: BTreeMap<UnitId, Vec<(u32, Mode)>> = BTreeMap::new();
    for (&(u, m, _), &s) in &stations {
        by_unit.entry(u).or_default().push((s, m));
    }
    for st in by_unit.values() {
        for &(a, ma) in st {
            for &(b, mb) in st {
                if let (true, Some(t)) = (a != b, params.transfer.between(ma, mb)) {
                    arcs.push((
                        a,
                        b,
                        Arc {
                            minutes: t,
                            link: None,
                        },
                    ));
                }
            }
        }
    }
    if let (Some((g, rp)), true) = (opts.roads, opts.kind.includes(Mode::Road)) {
        report.roads = Some(add_roads(region, g, rp, &mut nodes, &mut arcs)?);
    }
    let net = Network::from_arcs(nodes, arcs, out, opts.kind)?;
    Ok((net, report))
}

/// What makes the network of `opts`' scenario a part of `sup`, a network built before from the
/// same region, links and options for a scenario that has every link this one has (a prepared
/// network's, say): the curated links of `sup` this scenario lacks — `sup.without` them
/// ([`Network::without`]) is the part — and the build report [`build_network`] gives for it
/// (its road graph and generated links are `sup_report`'s). Every time between nodes of the
/// units in the part is the time of [`build_network`]'s network: the two differ only in stations
/// that the removed links alone served, which stay as nodes reached by their access arcs and
/// leading nowhere else. No road graph is read and nothing is attached again but the curated
/// links.
///
/// # Errors
/// See [`build_network`]; [`Error::Usage`] for a link of this scenario that `sup` does not
/// have (naming it).
pub fn part_links(
    sup: &Network,
    sup_report: &BuildReport,
    region: &Region,
    links: &[RawLink],
    opts: BuildOptions<'_>,
) -> Result<(Vec<LinkId>, BuildReport)> {
    let (attached, mut report) = curated(region, links, opts)?;
    report.generated_contiguity = sup_report.generated_contiguity;
    report.generated_nearest = sup_report.generated_nearest;
    report.roads.clone_from(&sup_report.roads);
    let have: std::collections::HashSet<&str> =
        sup.links().iter().map(|l| l.link_id.as_str()).collect();
    if let Some(l) = attached.iter().find(|l| !have.contains(l.link_id.as_str())) {
        return Err(Error::Usage(format!(
            "link {} is in service in {}, but not in the network given for it",
            l.link_id,
            opts.scenario.describe()
        )));
    }
    let keep: std::collections::HashSet<&str> =
        attached.iter().map(|l| l.link_id.as_str()).collect();
    let gone: Vec<LinkId> = sup
        .links()
        .iter()
        .filter(|l| !l.generated && !keep.contains(l.link_id.as_str()))
        .map(|l| l.id)
        .collect();
    Ok((gone, report))
}

/// A link timed by its `length_km` at the mode's speed must stay within the 24 h a link may
/// take ([`MAX_LINK_MIN`]), like a `time_min` (checked when the file is read).
fn check_length_time(raw: &RawLink, params: &NetworkParams) -> Result<()> {
    let (None, Some(km)) = (raw.time_min, raw.length_km) else {
        return Ok(());
    };
    let kmh = params.mode(raw.mode).speed_kmh;
    let minutes = km / kmh * 60.0;
    if minutes.is_finite() && minutes <= MAX_LINK_MIN {
        return Ok(());
    }
    Err(Error::input(
        &raw.file,
        raw.location.clone(),
        format!(
            "field \"length_km\" is {}: at the {} km/h of study key network.{}.speed_kmh that is {} minutes, more than the {MAX_LINK_MIN} (24 h) a link may take",
            show_number(km),
            show_number(kmh),
            raw.mode,
            show_number((minutes * 10.0).round() / 10.0)
        ),
    ))
}

/// Add the largest strongly connected component of a road graph and the seat connectors.
fn add_roads(
    region: &Region,
    g: &RoadGraph,
    rp: &RoadParams,
    nodes: &mut Vec<Node>,
    arcs: &mut Vec<(u32, u32, Arc)>,
) -> Result<crate::network::roads::RoadReport> {
    use crate::network::roads;
    let road = roads::road_arcs(g);
    let (keep, components) = roads::largest_scc(g.nodes.len(), &road);
    let base = nodes.len() as u32;
    // Road node i of the graph → network node: kept nodes only, numbered along a Hilbert
    // curve so that nodes near each other on the map are near each other in memory (files
    // list nodes in arbitrary order — osm4routing's come from a hash map — and a search on a
    // shuffled order pays a cache miss for almost every arc).
    let mut index = vec![u32::MAX; g.nodes.len()];
    for i in roads::spatial_order(g, &keep) {
        index[i as usize] = nodes.len() as u32;
        nodes.push(Node::Road(i));
    }
    let kept = nodes.len() - base as usize;
    let mut arcs_kept = 0;
    arcs.reserve(road.len() + 2 * region.len());
    for (t, h, minutes) in road {
        let (a, b) = (index[t as usize], index[h as usize]);
        if a != u32::MAX && b != u32::MAX {
            arcs.push((
                a,
                b,
                Arc {
                    minutes,
                    link: None,
                },
            ));
            arcs_kept += 1;
        }
    }
    let snaps = roads::snap(region, g, &keep, rp).ok_or_else(|| {
        Error::input(
            &g.source,
            crate::Location::File,
            "the road graph has no node (or no strongly connected part) to join the units to",
        )
    })?;
    for s in &snaps {
        let arc = Arc {
            minutes: s.minutes,
            link: None,
        };
        let r = index[s.road_node as usize];
        arcs.push((s.unit.0, r, arc));
        arcs.push((r, s.unit.0, arc));
    }
    Ok(roads::RoadReport {
        source: g.source.clone(),
        nodes_read: g.nodes.len(),
        edges_read: g.edges.len(),
        edges_no_car: g.skipped_no_car,
        components,
        nodes_kept: kept,
        nodes_dropped: g.nodes.len() - kept,
        arcs_kept,
        snaps,
        snap_warn_km: rp.snap_warn_km,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Study, load_links, load_units};
    use crate::route::Dijkstra;

    /// Three square units side by side along 30°N: A [104,105], B [105,106], C [106,107].
    fn region() -> Region {
        let sq = |code: &str, x: f64| {
            format!(
                r#"{{"type": "Feature", "properties": {{"code": "{code}", "pop_2020_census": 100000}},
                   "geometry": {{"type": "Polygon", "coordinates": [[[{x}, 30.0], [{}, 30.0], [{}, 31.0], [{x}, 31.0], [{x}, 30.0]]]}}}}"#,
                x + 1.0,
                x + 1.0
            )
        };
        let g = format!(
            r#"{{"type": "FeatureCollection", "features": [{}, {}, {}]}}"#,
            sq("A", 104.0),
            sq("B", 105.0),
            sq("C", 106.0)
        );
        let study = Study::from_toml("name = \"t\"", "t.toml").unwrap();
        load_units(g.as_bytes(), "t.geojson", &study, LoadOptions::default()).unwrap()
    }

    fn links(rows: &str) -> Vec<RawLink> {
        let csv =
            format!("link_id,from_code,to_code,mode,time_min,length_km,from_lon,from_lat\n{rows}");
        load_links(csv.as_bytes(), "l.csv").unwrap()
    }

    fn lines(rows: &str) -> Vec<RawLink> {
        let csv = format!("link_id,line_id,from_code,to_code,mode,time_min\n{rows}");
        load_links(csv.as_bytes(), "l.csv").unwrap()
    }

    fn params() -> NetworkParams {
        NetworkParams {
            contiguity: false,
            ..NetworkParams::default()
        }
    }

    fn build(region: &Region, raw: &[RawLink], params: &NetworkParams) -> (Network, BuildReport) {
        build_network(
            region,
            raw,
            BuildOptions {
                params,
                scenario: &Scenario::default(),
                kind: NetworkKind::Combined,
                roads: None,
                gazetteer: None,
            },
        )
        .unwrap()
    }

    fn time(net: &Network, a: u32, b: u32) -> Option<f64> {
        let mut dj = Dijkstra::new(net.node_count());
        let tree = dj.run(net, &[(net.unit_node(UnitId(a)), Minutes::ZERO)], None);
        tree.time(net.unit_node(UnitId(b))).map(|t| t.0)
    }

    #[test]
    fn parallel_links_of_one_mode_all_stay_and_the_faster_is_taken() {
        // Issue #16.4: dropping the slower twin made resilience fail both at once.
        let r = region();
        let raw = links("H1,A,B,hsr,30,,,\nH2,B,A,hsr,20,,,\nE1,A,B,expressway,80,,,\n");
        let (net, rep) = build(&r, &raw, &params());
        let ids: Vec<&str> = net.links().iter().map(|l| l.link_id.as_str()).collect();
        assert_eq!(ids, ["H1", "H2", "E1"]);
        assert_eq!(rep.parallel, [("H2".to_string(), "H1".to_string())]);
        assert_eq!(rep.by_mode.get("hsr"), Some(&2));
        // 25 + 20 + 15 by the faster twin; without it, 25 + 30 + 15; without both, the
        // expressway.
        assert_eq!(time(&net, 0, 1), Some(60.0));
        assert_eq!(time(&net.without(&[LinkId(1)]), 0, 1), Some(70.0));
        assert_eq!(
            time(&net.without(&[LinkId(0), LinkId(1)]), 0, 1),
            Some(80.0)
        );
    }

    #[test]
    fn stations_cost_access_and_egress_and_riding_through_is_free() {
        // HSR access 25 + egress 15 (the defaults): A → B = 25 + 10 + 15; A → C rides through
        // B's station of the line: 25 + 10 + 10 + 15.
        let r = region();
        let raw = lines("H1,L1,A,B,hsr,10\nH2,L1,B,C,hsr,10\n");
        let (net, _) = build(&r, &raw, &params());
        assert_eq!(time(&net, 0, 1), Some(50.0));
        assert_eq!(time(&net, 0, 2), Some(60.0));
        // Three unit nodes, three HSR station nodes.
        assert_eq!(net.node_count(), 6);
        // Expressways have no station: the arc joins the seats directly.
        let raw = links("E1,A,C,expressway,33,,,\n");
        let (net, _) = build(&r, &raw, &params());
        assert_eq!((net.node_count(), time(&net, 2, 0)), (3, Some(33.0)));
    }

    #[test]
    fn lengths_are_timed_at_the_mode_speed_and_one_unit_links_are_collapsed() {
        let r = region();
        // 115 km of HSR at 230 km/h = 30 min; X lies at 104.5°E in A, so X–A collapses.
        let raw = links("H1,A,B,hsr,,115,,\nH2,X,A,rail,10,,104.5,30.5\n");
        let (net, rep) = build(&r, &raw, &params());
        let l = &net.links()[0];
        assert_eq!(
            (l.minutes.0, l.time_source.as_str()),
            (30.0, "length_km/230kmh")
        );
        assert!(l.estimate);
        assert_eq!(rep.collapsed, ["H2"]);
        assert_eq!(
            rep.ends_by_location,
            [("H2".into(), "X".into(), "A".into())]
        );
    }

    #[test]
    fn generated_road_links_join_neighbours_at_road_speed() {
        // Contiguity: A–B and B–C share a border; the seats are interior points ~96 km apart
        // along 30.5°N, × circuity 1.3 at 50 km/h.
        let r = region();
        let (net, rep) = build(&r, &[], &NetworkParams::default());
        assert_eq!(rep.generated_contiguity, 2);
        let ab = &net.links()[0];
        assert!(ab.generated && ab.link_id == "gen-A-B");
        let km = crate::network::generate::great_circle_km(r.units[0].seat, r.units[1].seat);
        assert!((ab.minutes.0 - km * 1.3 / 50.0 * 60.0).abs() < 1e-9);
        assert!(time(&net, 0, 2).is_some());
    }

    #[test]
    fn a_length_timed_over_24_hours_is_rejected() {
        // 1e300 km at 230 km/h; and 3000 km at 100 km/h: 1800 min > 1440, while 2300 km of HSR
        // take 600 min.
        let r = region();
        let err = |rows: &str| {
            build_network(
                &r,
                &links(rows),
                BuildOptions {
                    params: &params(),
                    scenario: &Scenario::default(),
                    kind: NetworkKind::Combined,
                    roads: None,
                    gazetteer: None,
                },
            )
            .map(|_| ())
            .map_err(|e| e.to_string())
        };
        assert_eq!(
            err("H1,A,B,hsr,,2300,,\nH2,A,B,hsr,,1e300,,\n"),
            Err("l.csv: line 3: field \"length_km\" is 1e300: at the 230 km/h of study key network.hsr.speed_kmh that is 2.6087e299 minutes, more than the 1440 (24 h) a link may take".to_string())
        );
        assert_eq!(
            err("R1,A,C,rail,,3000,,\n"),
            Err("l.csv: line 2: field \"length_km\" is 3000: at the 100 km/h of study key network.rail.speed_kmh that is 1800 minutes, more than the 1440 (24 h) a link may take".to_string())
        );
        assert_eq!(err("H1,A,B,hsr,,2300,,\n"), Ok(()));
    }

    #[test]
    fn an_end_in_no_polygon_names_its_field_and_position() {
        let r = region();
        let raw = links("H1,Z,B,hsr,10,,120.0,30.5\nH2,Y,B,hsr,10,,,\n");
        let opts = |raw: &[RawLink]| {
            build_network(
                &r,
                raw,
                BuildOptions {
                    params: &params(),
                    scenario: &Scenario::default(),
                    kind: NetworkKind::Combined,
                    roads: None,
                    gazetteer: None,
                },
            )
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            opts(&raw[..1]),
            "l.csv: line 2: field \"from_code\" is \"Z\": no unit of t.geojson has that code, and its position [120.00000, 30.50000] lies in no unit polygon"
        );
        assert!(
            opts(&raw[1..])
                .contains("the file gives no position for it (add from_lon/from_lat columns)")
        );
    }

    #[test]
    fn changing_lines_costs_the_transfer_time_and_is_its_own_leg() {
        // A → C on one line: 25 + 10 + 10 + 15 = 60. On two lines meeting at B: + 30 to change
        // (less than leaving and boarding again: 15 + 25).
        let r = region();
        let one = lines("H1,L1,A,B,hsr,10\nH2,L1,B,C,hsr,10\n");
        let two = lines("H1,L1,A,B,hsr,10\nH2,L2,B,C,hsr,10\n");
        let (net1, _) = build(&r, &one, &params());
        let (net2, _) = build(&r, &two, &params());
        assert_eq!(time(&net1, 0, 2), Some(60.0));
        assert_eq!(time(&net2, 0, 2), Some(90.0));
        let mut dj = Dijkstra::new(net2.node_count());
        let tree = dj.run(&net2, &[(net2.unit_node(UnitId(0)), Minutes::ZERO)], None);
        let c = net2.unit_node(UnitId(2));
        assert_eq!(tree.parts(c).unwrap().penalty, 25.0 + 30.0 + 15.0);
        let legs = tree.legs(c).unwrap();
        assert!(legs.contains(&crate::route::Leg::Transfer {
            unit: UnitId(1),
            from: Mode::Hsr,
            to: Mode::Hsr,
            minutes: 30.0
        }));
        // A free change (0) equals one line; without a transfer time the change goes through
        // the seat: 15 + 25.
        let mut p = params();
        p.transfer.hsr_hsr = 0.0;
        assert_eq!(time(&build(&r, &two, &p).0, 0, 2), Some(60.0));
        p.transfer.hsr_hsr = 60.0;
        assert_eq!(time(&build(&r, &two, &p).0, 0, 2), Some(100.0));
    }
}
