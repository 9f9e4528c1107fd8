//! The measures of reach, accessibility and the corridor on hand-worked networks, and on the
//! default data.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

use regionlink::load::{LoadOptions, Study, load_inputs, load_links, load_units};
use regionlink::measures::access::{daily, internal_time_min, potential, watt, watt_coefficient};
use regionlink::measures::corridor::corridor;
use regionlink::measures::par::travel_time_matrix;
use regionlink::measures::reach::{core_times, overlap, reach, reached};
use regionlink::model::Decay;
use regionlink::model::Mass;
use regionlink::network::{BuildOptions, Network, NetworkKind, Scenario, build_network};
use regionlink::route::Matrix;
use regionlink::{Region, UnitId};

/// A point layer and road links (no station penalties), with a study whose cores are `cores`.
fn toy(
    points: &[(&str, f64, f64)],
    links: &[(&str, &str, f64)],
    cores: &[(&str, &[&str])],
) -> (Region, Study, Network, Matrix) {
    let feats: Vec<String> = points
        .iter()
        .map(|(c, pop, x)| {
            format!(r#"{{"type":"Feature","properties":{{"code":"{c}","pop":{pop}}},"geometry":{{"type":"Point","coordinates":[{x},30.0]}}}}"#)
        })
        .collect();
    let units = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        feats.join(",")
    );
    let mut toml = String::from(
        "name = \"toy\"\n[fields]\npopulation = \"pop\"\npopulation_unit = \"10k\"\n[network]\ncontiguity = false\n",
    );
    for (name, codes) in cores {
        let list: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
        toml.push_str(&format!(
            "[[cores]]\nname = \"{name}\"\ncodes = [{}]\n",
            list.join(", ")
        ));
    }
    let study = Study::from_toml(&toml, "toy.toml").unwrap();
    let region = load_units(
        units.as_bytes(),
        "toy.geojson",
        &study,
        LoadOptions::default(),
    )
    .unwrap();
    let mut csv = String::from("link_id,from_code,to_code,mode,time_min\n");
    for (i, (a, b, t)) in links.iter().enumerate() {
        csv.push_str(&format!("L{i},{a},{b},road,{t}\n"));
    }
    let raw = load_links(csv.as_bytes(), "toy.csv").unwrap();
    let (net, _) = build_network(
        &region,
        &raw,
        BuildOptions {
            params: &study.network,
            scenario: &Scenario::default(),
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: None,
        },
    )
    .unwrap();
    let m = travel_time_matrix(&net, None);
    (region, study, net, m)
}

/// A(10) —10— B(20) —20— C(30) —30— D(40), plus A—D 100 (never used: A–D via the chain is 60).
/// Populations in 10⁴ people. Times:
///   A: B 10, C 30, D 60 · B: A 10, C 20, D 50 · C: A 30, B 20, D 30 · D: A 60, B 50, C 30
fn four() -> (Region, Study, Network, Matrix) {
    toy(
        &[
            ("A", 10.0, 104.0),
            ("B", 20.0, 104.1),
            ("C", 30.0, 104.2),
            ("D", 40.0, 104.3),
        ],
        &[
            ("A", "B", 10.0),
            ("B", "C", 20.0),
            ("C", "D", 30.0),
            ("A", "D", 100.0),
        ],
        &[("west", &["A"]), ("east", &["D"])],
    )
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn watt_by_hand() {
    let (region, _, _, m) = four();
    let w = watt(&m, &Mass::Pop.values(&region).unwrap());
    // WATT_A = (10·20 + 30·30 + 60·40) / (20 + 30 + 40) = 3500 / 90
    // WATT_B = (10·10 + 20·30 + 50·40) / (10 + 30 + 40) = 2700 / 80
    // WATT_C = (30·10 + 20·20 + 30·40) / (10 + 20 + 40) = 1900 / 70
    // WATT_D = (60·10 + 50·20 + 30·30) / (10 + 20 + 30) = 2500 / 60
    let hand = [3500.0 / 90.0, 2700.0 / 80.0, 1900.0 / 70.0, 2500.0 / 60.0];
    for (w, h) in w.iter().zip(hand) {
        close(w.unwrap(), h);
    }
    // coefficient = WATT / mean(WATT)
    let mean = hand.iter().sum::<f64>() / 4.0;
    let c = watt_coefficient(&w);
    close(c[2].unwrap(), hand[2] / mean);
}

#[test]
fn potential_by_hand() {
    let (region, _, _, m) = four();
    let mass = Mass::Pop.values(&region).unwrap();
    // power a = 1, no self term: P_A = 20/10 + 30/30 + 40/60, P_B = 10/10 + 30/20 + 40/50,
    // P_C = 10/30 + 20/20 + 40/30, P_D = 10/60 + 20/50 + 30/30
    let p = potential(&m, &mass, Decay::Power { a: 1.0 }, None).unwrap();
    let hand = [
        2.0 + 1.0 + 40.0 / 60.0,
        1.0 + 1.5 + 0.8,
        1.0 / 3.0 + 1.0 + 4.0 / 3.0,
        1.0 / 6.0 + 0.4 + 1.0,
    ];
    for (p, h) in p.iter().zip(hand) {
        close(*p, h);
    }
    // step 30 (cumulative opportunities, others only): A: B+C = 50, B: A+C = 40,
    // C: A+B+D = 70, D: C = 30
    let p = potential(&m, &mass, Decay::Step { max: 30.0 }, None).unwrap();
    assert_eq!(p, vec![50.0, 40.0, 70.0, 30.0]);
    // exp β: P_A = 20 e^-10β + 30 e^-30β + 40 e^-60β
    let b = 0.0116;
    let p = potential(&m, &mass, Decay::Exp { beta: b }, None).unwrap();
    close(
        p[0],
        20.0 * (-10.0 * b).exp() + 30.0 * (-30.0 * b).exp() + 40.0 * (-60.0 * b).exp(),
    );
    // self term with t_ii = 5 for every unit adds M_i / 5 under power 1: A gets 10/5 = 2.
    let p = potential(&m, &mass, Decay::Power { a: 1.0 }, Some(&[5.0; 4])).unwrap();
    close(p[0], hand[0] + 2.0);
    // a zero internal time under a power decay is an error, not infinity
    assert!(potential(&m, &mass, Decay::Power { a: 1.0 }, Some(&[0.0; 4])).is_err());
}

#[test]
fn internal_time_convention() {
    // Chengdu, 14,335 km² (approx.): r = √(A/π) = 67.55 km; ⅓ r = 22.52 km; at 50 km/h 27.0 min
    close(
        internal_time_min(14_335.0, 50.0),
        (14_335.0f64 / std::f64::consts::PI).sqrt() / 3.0 / 50.0 * 60.0,
    );
    assert!((internal_time_min(14_335.0, 50.0) - 27.02).abs() < 0.01);
}

#[test]
fn daily_by_hand() {
    let (region, _, _, m) = four();
    // within 30 min, the unit itself included: A reaches A,B,C (60), B: A,B,C (60),
    // C: all (100), D: C,D (70); the region holds 100.
    let d = daily(&m, &region, &[30.0]);
    let pops: Vec<f64> = d.iter().map(|r| r[0].pop_10k).collect();
    assert_eq!(pops, vec![60.0, 60.0, 100.0, 70.0]);
    assert_eq!(d[3][0].units, 2);
    close(d[3][0].pop_share.unwrap(), 0.7);
}

#[test]
fn reach_and_overlap_by_hand() {
    let (region, study, net, _) = four();
    let cores = core_times(&net, &region, &study);
    // from A: ≤10 {A,B}; ≤30 {A,B,C}; ≤60 all
    assert_eq!(reached(&cores[0], 10.0), vec![UnitId(0), UnitId(1)]);
    let r = reach(&region, &cores[0], 30.0);
    assert_eq!(r.units, vec![UnitId(0), UnitId(1), UnitId(2)]);
    assert_eq!(r.totals.pop_10k, 60.0);
    // from D: ≤30 {C,D}. Overlap at 30: {C}; union {A,B,C,D}: Jaccard 1/4; neither: none
    let o = overlap(&region, &cores[0], &cores[1], 30.0);
    assert_eq!(o.both, vec![UnitId(2)]);
    assert_eq!(o.jaccard, Some(0.25));
    assert!(o.neither.is_empty());
    // at 10: A,B from A; D from D: overlap empty, Jaccard 0, neither {C}
    let o = overlap(&region, &cores[0], &cores[1], 10.0);
    assert_eq!(o.jaccard, Some(0.0));
    assert_eq!(o.neither, vec![UnitId(2)]);
}

#[test]
fn reach_is_monotone_in_the_band() {
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let (net, _) = build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &inputs.study.network,
            scenario: &Scenario::default(),
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: Some(inputs.gazetteer),
        },
    )
    .unwrap();
    let cores = core_times(&net, &inputs.region, &inputs.study);
    for c in &cores {
        let mut prev: Vec<UnitId> = Vec::new();
        for band in (0..=600).step_by(5) {
            let r = reached(c, band as f64);
            assert!(prev.iter().all(|u| r.contains(u)), "band {band}");
            assert!(r.len() >= prev.len());
            prev = r;
        }
        assert_eq!(prev.len(), 59, "everything within 10 h");
    }
}

#[test]
fn a_chain_between_the_cores_is_all_corridor() {
    // A —10— B —20— C —30— D, and E hanging off B by 20: the chain between the ends A and D is
    // all in the corridor (every detour ratio is 1), E is not: (30 + 70) / 60 = 1.67 > 1.25.
    let (region, study, net, m) = toy(
        &[
            ("A", 1.0, 104.0),
            ("B", 1.0, 104.1),
            ("C", 1.0, 104.2),
            ("D", 1.0, 104.3),
            ("E", 1.0, 104.4),
        ],
        &[
            ("A", "B", 10.0),
            ("B", "C", 20.0),
            ("C", "D", 30.0),
            ("B", "E", 20.0),
        ],
        &[("west", &["A"]), ("east", &["D"])],
    );
    let cores = core_times(&net, &region, &study);
    let c = corridor(&m, &cores[0], &cores[1], 0.25).unwrap();
    assert_eq!(c.t_ab, 60.0);
    let ids: Vec<u32> = c.units.iter().map(|u| u.unit.0).collect();
    assert_eq!(ids, vec![1, 2]);
    assert_eq!(c.ends, [vec![UnitId(0)], vec![UnitId(3)]]);
    // positions T(A→i) / 60: 0 and 1 for the ends, 1/6 and 1/2 between
    assert_eq!((c.position[0], c.position[3]), (Some(0.0), Some(1.0)));
    close(c.units[0].position, 10.0 / 60.0);
    close(c.units[1].position, 0.5);
    close(c.detour[4].unwrap(), 100.0 / 60.0);
    // with ε = 0.7 E comes in: 100 ≤ 1.7 · 60 = 102
    let c = corridor(&m, &cores[0], &cores[1], 0.7).unwrap();
    assert_eq!(c.units.len(), 3);
    // The same on the network, each unit at its best node (here only seats).
    let n = regionlink::measures::corridor::corridor_on_network(&net, &cores[0], &cores[1], 0.25)
        .unwrap();
    assert_eq!(
        n.units.iter().map(|u| u.unit.0).collect::<Vec<_>>(),
        vec![1, 2]
    );
}

/// Shortest times between all nodes by Floyd–Warshall over the frozen arcs: an oracle that
/// shares no code with the Dijkstra kernel.
fn floyd_warshall_units(net: &Network) -> Vec<Vec<f64>> {
    let n = net.node_count();
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
        for (_, h, arc) in net.out_arcs(regionlink::NodeId(i as u32)) {
            row[h.index()] = row[h.index()].min(arc.minutes);
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    let units: Vec<usize> = (0..net.unit_count())
        .map(|u| net.unit_node(UnitId(u as u32)).index())
        .collect();
    units
        .iter()
        .map(|&i| units.iter().map(|&j| d[i][j]).collect())
        .collect()
}

#[test]
fn watt_two_independent_ways_agree_on_the_default_data() {
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let (net, _) = build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &inputs.study.network,
            scenario: &Scenario::default(),
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: Some(inputs.gazetteer),
        },
    )
    .unwrap();
    let mass = Mass::Pop.values(&inputs.region).unwrap();
    let w = watt(&travel_time_matrix(&net, None), &mass);
    let fw = floyd_warshall_units(&net);
    for i in 0..fw.len() {
        let (mut num, mut den) = (0.0, 0.0);
        for j in (0..fw.len()).filter(|&j| j != i) {
            num += fw[i][j] * mass[j];
            den += mass[j];
        }
        assert!((w[i].unwrap() - num / den).abs() < 1e-9, "unit {i}");
    }
}

#[test]
fn missing_gdp_is_named() {
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let e = Mass::PopGdp.values(&inputs.region).unwrap_err();
    // The library names the option, not a command-line flag (the CLI test checks `--mass`).
    let msg = e.to_string();
    assert!(
        msg.starts_with(
            "mass = pop_gdp needs GDP, but 8 of 59 units have none: Dadukou District (500104), "
        ),
        "{msg}"
    );
    assert!(msg.contains("use mass = pop"), "{msg}");
    assert!(!msg.contains("--"), "{msg}");
    let regionlink::Error::Option(o) = e else {
        panic!("not an option error")
    };
    assert!(o.options().all(|x| x == regionlink::error::Opt::Mass));
}

/// The default data, combined network, today's open links, default penalties.
///
/// Chengdu's 120-minute reach is 17 units: the Chengdu Plain cities (Deyang, Mianyang, Suining,
/// Leshan, Meishan, Ya'an, Ziyang), South Sichuan's Zigong, Neijiang and Yibin, and, along the
/// Chengyu HSR, Chongqing's western districts (Rongchang, Dazu, Yongchuan, Bishan) and the two
/// HSR station districts Shapingba and Yubei (62 + 40 and 77 + 40 min). Luzhou and Jiangjin,
/// reached by changing trains, fall beyond once a change costs 30 minutes.
///
/// The corridor (ε = 0.25) holds the cities on the Chengyu HSR between the ends: Ziyang,
/// Neijiang, Rongchang, Dazu, Yongchuan and Bishan. The fastest trip is the 62-minute non-stop
/// Chengdu East–Shapingba train (T(C→Q) = 25 + 62 + 15 = 102 min); a city whose station the
/// line's stopping trains pass counts at its station, at the in-vehicle cost of riding through
/// (Ziyang: 44 + 68 = 112 min, detour 1.098), not its seat's extra 40 minutes of egress and
/// access. Suining, on the northern line, needs a change (detour 1.9), so it is out.
#[test]
fn default_data_reach_and_corridor_sets() {
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let (net, _) = build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &inputs.study.network,
            scenario: &Scenario::default(),
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: Some(inputs.gazetteer),
        },
    )
    .unwrap();
    let cores = core_times(&net, &inputs.region, &inputs.study);
    let codes = |ids: &[UnitId]| -> Vec<String> {
        let mut v: Vec<String> = ids
            .iter()
            .map(|u| inputs.region.unit(*u).code.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        codes(&reached(&cores[0], 120.0)),
        [
            "500106", "500111", "500112", "500118", "500120", "500153", "510100", "510300",
            "510600", "510700", "510900", "511000", "511100", "511400", "511500", "511800",
            "512000"
        ]
    );
    let c = regionlink::measures::corridor::corridor_on_network(&net, &cores[0], &cores[1], 0.25)
        .unwrap();
    assert_eq!(c.t_ab, 102.0);
    let along: Vec<&str> = c
        .units
        .iter()
        .map(|u| inputs.region.unit(u.unit).code.as_str())
        .collect();
    // Ziyang, Neijiang, Rongchang, Dazu, Yongchuan, Bishan: in that order from Chengdu.
    assert_eq!(
        along,
        ["512000", "511000", "500153", "500111", "500118", "500120"]
    );
    assert!(c.units.iter().all(|u| u.via_station));
    let ziyang = &c.units[0];
    assert_eq!((ziyang.t_from_a, ziyang.t_to_b), (44.0, 68.0));
    assert!(c.is_end(inputs.region.by_code("510100").unwrap().id));
    assert_eq!(c.ends[1].len(), 9);
}

/// #14: the headline under both conventions on the default data.
#[test]
fn default_data_headline_under_both_conventions() {
    use regionlink::analysis::Options;
    use regionlink::analysis::headline::{SENSITIVITY_FACTORS, headline};
    use regionlink::model::TimeConvention::{DoorToDoor, InVehicle};
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let o = Options::from_study(&inputs.study).unwrap();
    let h = headline(&inputs, &o, None).unwrap();
    let p = &h.pairs[0];
    assert_eq!((p.from.as_str(), p.to.as_str()), ("chengdu", "chongqing"));
    // In-vehicle: the timetable's fastest Chengyu HSR train, Chengdu East → Shapingba, 62 min
    // (data/timetable_times.csv, R01-X01000106). Door-to-door adds the HSR access (25) and
    // egress (15) of data/study.toml: 102 min.
    assert_eq!(p.in_vehicle_min, Some(62.0));
    assert_eq!(p.door_to_door_min, Some(62.0 + 25.0 + 15.0));
    // The station times at 0 are the in-vehicle convention, at 1 the door-to-door one.
    for (key, ..) in &h.cores {
        assert_eq!(
            h.sensitivity(key, 0.0),
            h.reach(key, InVehicle, 60.0),
            "{key}"
        );
        assert_eq!(
            h.sensitivity(key, 1.0),
            h.reach(key, DoorToDoor, 60.0),
            "{key}"
        );
        // Less station time never shrinks a reach: the 60-min reach falls as the factor grows,
        // and every band reaches at least as far in-vehicle as door-to-door.
        let n: Vec<usize> = SENSITIVITY_FACTORS
            .iter()
            .map(|&f| h.sensitivity(key, f).unwrap().units)
            .collect();
        assert!(n.windows(2).all(|w| w[0] >= w[1]), "{key}: {n:?}");
        for band in [60.0, 120.0, 180.0] {
            let (dd, iv) = (
                h.reach(key, DoorToDoor, band).unwrap(),
                h.reach(key, InVehicle, band).unwrap(),
            );
            assert!(iv.units >= dd.units && iv.pop_10k >= dd.pop_10k);
        }
    }
    // Door-to-door, 60 min from Chengdu reach only Chengdu, Deyang and Ziyang (the reach
    // test above): the 40 min of HSR station time leave 20 min on board, enough for the
    // 19-min Chengdu–Ziyang HSR leg (R01-01) and for Deyang, not for Meishan or Suining.
    let dd60 = h.reach("chengdu", DoorToDoor, 60.0).unwrap();
    assert_eq!(dd60.units, 3);
    // In-vehicle, the 60-min reach of Chengdu is four times as many units.
    assert_eq!(h.reach("chengdu", InVehicle, 60.0).unwrap().units, 12);
}
