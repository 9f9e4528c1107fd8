//! One contraction for many networks (issue #17): `scenario`, `timeline` and `resilience`
//! re-time one customizable hierarchy for each network instead of contracting each one, and
//! must give the plain Dijkstra oracle's figures — on the default data's networks (stations,
//! lines, transfers, opening years, planned links) and on a generated road graph with curated
//! links of every status.

#![allow(clippy::unwrap_used)]

use regionlink::analysis::retime::{Retimer, retimer};
use regionlink::analysis::{
    Analysis, MonteCarlo, Options, build, build_part, compare, every_link_scenario,
    failure_figures_with, failure_sets, timeline, timeline_scenario, year_scenario,
};
use regionlink::load::{Inputs, LoadOptions, load_inputs, load_links};
use regionlink::measures::par::travel_time_matrix;
use regionlink::measures::resilience::Figures;
use regionlink::model::TimeConvention;
use regionlink::network::Scenario;
use regionlink::progress::Silent;
use regionlink::route::EngineKind;
use regionlink::synth::{SynthOptions, generate, read, write};

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn options(inputs: &Inputs, engine: EngineKind) -> Options {
    let mut o = Options::from_study(&inputs.study).unwrap();
    o.engine = engine;
    o
}

/// Every year's figures by re-timing equal Dijkstra's; every year's network was re-timed (none
/// fell back to Dijkstra); and the years differ, so the test compares something.
fn check_timeline(inputs: &Inputs, years: &[i32]) {
    let dj = timeline(inputs, &options(inputs, EngineKind::Dijkstra), years).unwrap();
    let o = options(inputs, EngineKind::Phast);
    let ph = timeline(inputs, &o, years).unwrap();
    let last = Scenario {
        year: years.iter().max().copied(),
        ..Scenario::default()
    };
    let r = retimer(inputs, &o, &last, &Silent).unwrap().unwrap();
    for (a, b) in dj.years.iter().zip(&ph.years) {
        assert_eq!(a.year, b.year);
        let sc = Scenario {
            year: Some(a.year),
            ..Scenario::default()
        };
        let (net, _) = build(inputs, &sc, o.network, o.time).unwrap();
        assert!(
            r.hierarchy_for(&net).is_some(),
            "{} was not re-timed",
            a.year
        );
        assert_eq!(a.links_in_service, b.links_in_service);
        assert_eq!(a.units_with_watt, b.units_with_watt);
        assert!(close(a.t_cores_min, b.t_cores_min), "{}", a.year);
        assert!(close(a.watt_mean_min, b.watt_mean_min), "{}", a.year);
        assert!(close(a.watt_cv, b.watt_cv), "{}", a.year);
        for (x, y) in a.watt.iter().zip(&b.watt) {
            assert!(close(*x, *y), "{}: WATT {x:?} / {y:?}", a.year);
        }
        for (c, d) in a.cores.iter().zip(&b.cores) {
            for (x, y) in c.iter().zip(d) {
                assert!(close(*x, *y), "{}: core time {x:?} / {y:?}", a.year);
            }
        }
    }
    let (first, last) = (&dj.years[0], dj.years.last().unwrap());
    assert!(first.links_in_service < last.links_in_service);
    assert_ne!(first.watt_mean_min, last.watt_mean_min);
}

fn same_figures(a: &Figures, b: &Figures) {
    assert!(close(a.watt_pop_min, b.watt_pop_min), "{a:?} / {b:?}");
    assert!(close(a.t_cores_min, b.t_cores_min), "{a:?} / {b:?}");
    assert_eq!(a.units_without_watt, b.units_without_watt);
    assert_eq!(a.units_beyond_band, b.units_beyond_band);
}

/// Each single failure and Monte Carlo sample by re-timing equals Dijkstra; some failures do
/// change the figures.
fn check_resilience(inputs: &Inputs) {
    let mut o = options(inputs, EngineKind::Dijkstra);
    o.matrix = false;
    let an = Analysis::run(inputs, &o, &Silent).unwrap();
    let mc = MonteCarlo {
        samples: 25,
        k: 3,
        seed: 7,
    };
    let sets = failure_sets(&an, Some(mc)).unwrap();
    let dj = failure_figures_with(&an, &sets, None).unwrap();
    let r = Retimer::new(an.net.clone(), &Silent);
    let ph = failure_figures_with(&an, &sets, Some(&r)).unwrap();
    assert_eq!(dj.len(), sets.len());
    for (a, b) in dj.iter().zip(&ph) {
        same_figures(a, b);
    }
    assert!(dj[1..].iter().any(|f| f.watt_pop_min != dj[0].watt_pop_min));
}

/// The scenario against today's links by one re-timed hierarchy equals Dijkstra's, unit by
/// unit; the scenario changes something.
fn check_scenario(inputs: &Inputs, scenario: Scenario) {
    let with = |e| Options {
        scenario: scenario.clone(),
        ..options(inputs, e)
    };
    let dj = compare(inputs, &with(EngineKind::Dijkstra), &Silent).unwrap();
    let ph = compare(inputs, &with(EngineKind::Phast), &Silent).unwrap();
    assert!(ph.base.engine.starts_with("PHAST"), "{}", ph.base.engine);
    for (a, b) in dj.units.iter().zip(&ph.units) {
        assert!(close(a.watt_base, b.watt_base));
        assert!(close(a.watt_scen, b.watt_scen));
        assert!(close(a.d_watt_min, b.d_watt_min));
        for (c, d) in a.cores.iter().zip(&b.cores) {
            assert!(close(c.base, d.base) && close(c.scen, d.scen));
        }
        for (c, d) in a.d_potential_pct.iter().zip(&b.d_potential_pct) {
            assert!(close(*c, *d));
        }
    }
    assert!(
        dj.units
            .iter()
            .any(|u| u.d_watt_min.is_some_and(|d| d < 0.0))
    );
    // Both networks are parts of the network of every link, so both were re-timed.
    let o = with(EngineKind::Phast);
    let every = Scenario {
        with_planned: true,
        ..Scenario::default()
    };
    let (all, _) = build(inputs, &every, o.network, o.time).unwrap();
    let r = Retimer::new(all, &Silent);
    for sc in [Scenario::default(), scenario] {
        let (net, _) = build(inputs, &sc, o.network, o.time).unwrap();
        assert!(r.hierarchy_for(&net).is_some());
    }
}

fn default_inputs() -> Inputs {
    load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap()
}

#[test]
fn default_data_timeline_by_retiming_equals_dijkstra() {
    check_timeline(
        &default_inputs(),
        &(2005..=2035).step_by(2).collect::<Vec<_>>(),
    );
}

#[test]
fn default_data_resilience_by_retiming_equals_dijkstra() {
    check_resilience(&default_inputs());
}

#[test]
fn default_data_scenario_by_retiming_equals_dijkstra() {
    let inputs = default_inputs();
    let drop = inputs.links[0].link_id.clone();
    check_scenario(
        &inputs,
        Scenario {
            with_planned: true,
            drop: vec![drop],
            ..Scenario::default()
        },
    );
}

/// A 20 000-node synth road graph whose 40 units are joined by curated links of every kind:
/// two-segment HSR lines (riding through a station, changing at another), rail, expressways,
/// open in different years, under construction and planned.
fn road_inputs() -> Inputs {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&SynthOptions {
        nodes: 20_000,
        seed: 5,
        units: Some(40),
    })
    .unwrap();
    write(&s, dir.path()).unwrap();
    let (mut inputs, roads) = read(dir.path()).unwrap();
    inputs.roads = Some(roads);
    let code = |i: usize| inputs.region.units[i].code.clone();
    let mut csv = String::from(
        "link_id,line_id,from_code,to_code,mode,status,opening_year,planned_opening_year,time_min\n",
    );
    let modes = ["hsr", "rail", "expressway"];
    for k in 0..30usize {
        let (a, b, c) = ((k * 7) % 40, (k * 7 + 11) % 40, (k * 7 + 23) % 40);
        let mode = modes[k % 3];
        let (status, open, planned) = match k % 5 {
            0 => ("under_construction", String::new(), "2027".to_string()),
            1 => ("planned", String::new(), String::new()),
            _ => ("open", (2008 + k as i32).to_string(), String::new()),
        };
        let t = 15 + (k * 13) % 50;
        csv.push_str(&format!(
            "L{k}a,LINE{k},{},{},{mode},{status},{open},{planned},{t}\n",
            code(a),
            code(b)
        ));
        csv.push_str(&format!(
            "L{k}b,LINE{k},{},{},{mode},{status},{open},{planned},{}\n",
            code(b),
            code(c),
            t + 5
        ));
    }
    inputs.links = load_links(csv.as_bytes(), "links.csv").unwrap();
    inputs
}

#[test]
fn road_graph_timeline_resilience_and_scenario_by_retiming_equal_dijkstra() {
    let inputs = road_inputs();
    check_timeline(&inputs, &(2006..=2040).step_by(3).collect::<Vec<_>>());
    check_resilience(&inputs);
    check_scenario(
        &inputs,
        Scenario {
            with_planned: true,
            drop: vec!["L2a".into()],
            ..Scenario::default()
        },
    );
    // Auto re-times on a road graph (≥ 10 000 nodes), not on the default data.
    let o = options(&inputs, EngineKind::Auto);
    assert!(
        retimer(&inputs, &o, &o.scenario, &Silent)
            .unwrap()
            .is_some()
    );
    let d = default_inputs();
    let o = options(&d, EngineKind::Auto);
    assert!(retimer(&d, &o, &o.scenario, &Silent).unwrap().is_none());
}

/// A network built as a part of a larger one (`build_part`, what `timeline --prepared` and
/// `scenario --prepared` do instead of reading the road graph) has the built network's times
/// between every pair of units, bit for bit, and the same build report; a scenario with a link
/// the larger network lacks is refused naming the link.
fn check_parts(inputs: &Inputs, years: &[i32], others: &[Scenario]) {
    for time in [TimeConvention::DoorToDoor, TimeConvention::InVehicle] {
        let o = Options {
            time,
            ..options(inputs, EngineKind::Dijkstra)
        };
        let tl = timeline_scenario(&o.scenario, years).unwrap();
        let every = every_link_scenario(&o.scenario);
        let cases = years
            .iter()
            .map(|&y| (tl.clone(), year_scenario(&o.scenario, y)))
            .chain(others.iter().map(|s| (every.clone(), s.clone())));
        for (large, sc) in cases {
            let (sup, sup_report) = build(inputs, &large, o.network, time).unwrap();
            let (net, report) = build(inputs, &sc, o.network, time).unwrap();
            let (part, part_report) = build_part(inputs, &sc, &sup, &sup_report, time).unwrap();
            assert_eq!(
                serde_json::to_string(&report).unwrap(),
                serde_json::to_string(&part_report).unwrap(),
                "{sc:?}"
            );
            assert_eq!(part.node_count(), sup.node_count());
            assert!(part.arc_count() <= sup.arc_count());
            assert_eq!(
                travel_time_matrix(&net, None),
                travel_time_matrix(&part, None),
                "{time:?} {sc:?}"
            );
        }
    }
    // The other way round: the first year's network lacks the last year's links.
    let o = options(inputs, EngineKind::Dijkstra);
    let first = year_scenario(&o.scenario, years[0]);
    let last = timeline_scenario(&o.scenario, years).unwrap();
    let (small, small_report) = build(inputs, &first, o.network, o.time).unwrap();
    let err = build_part(inputs, &last, &small, &small_report, o.time)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is in service in the links in service in")
            && err.contains("not in the network given for it"),
        "{err}"
    );
}

#[test]
fn default_data_parts_of_the_largest_network_equal_the_built_networks() {
    let inputs = default_inputs();
    let drop = inputs.links[0].link_id.clone();
    check_parts(
        &inputs,
        &(2005..=2035).step_by(5).collect::<Vec<_>>(),
        &[
            Scenario::default(),
            Scenario {
                with_planned: true,
                drop: vec![drop],
                ..Scenario::default()
            },
            Scenario {
                year: Some(2028),
                ..Scenario::default()
            },
        ],
    );
}

#[test]
fn road_graph_parts_of_the_largest_network_equal_the_built_networks() {
    check_parts(
        &road_inputs(),
        &(2006..=2040).step_by(6).collect::<Vec<_>>(),
        &[
            Scenario::default(),
            Scenario {
                with_planned: true,
                drop: vec!["L2a".into()],
                ..Scenario::default()
            },
        ],
    );
}

/// The door-to-door network with its station times scaled (what `run --prepared` derives the
/// headline's networks from) has the times of the network built with the study's station times
/// at that factor, bit for bit, between every pair of units — at 0 (in-vehicle: built, the
/// lines join at the seat; derived, the stations stay at 0 min), 0.5 and 1.
#[test]
fn scaled_station_times_give_the_built_networks_times() {
    for inputs in [default_inputs(), road_inputs()] {
        let o = options(&inputs, EngineKind::Dijkstra);
        let (dd, _) = build(&inputs, &o.scenario, o.network, TimeConvention::DoorToDoor).unwrap();
        for f in [0.0, 0.5, 1.0] {
            let (built, _) =
                regionlink::analysis::build_scaled(&inputs, &o.scenario, o.network, f).unwrap();
            let derived = dd.with_station_times_scaled(f);
            assert_eq!(
                travel_time_matrix(&built, None),
                travel_time_matrix(&derived, None),
                "factor {f}"
            );
            // and the factor matters, so the check compares something
            if f < 1.0 {
                assert_ne!(
                    travel_time_matrix(&dd, None),
                    travel_time_matrix(&derived, None)
                );
            }
        }
    }
}
