//! `regionlink prepare` and `--prepared FILE`: runs on a prepared network give byte-identical
//! outputs to runs that build it, and a file that does not fit the run (truncated, corrupted,
//! another version, other inputs, other options) is refused with exit 1 and one line naming
//! the file, never a panic.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{Out, ok_in, run_in};

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

fn args<'a>(head: &[&'a str], tail: &'a [String]) -> Vec<&'a str> {
    let mut v = head.to_vec();
    v.extend(tail.iter().map(String::as_str));
    v
}

/// A synthetic road study in `dir` and its input flags.
fn synth(dir: &Path) -> Vec<String> {
    ok_in(
        dir,
        &[
            "synth", "--nodes", "6000", "--seed", "5", "--units", "40", "--out", "syn",
        ],
    );
    let d = dir.join("syn");
    vec![
        "--units".into(),
        s(&d.join("units.geojson")),
        "--links".into(),
        s(&d.join("links.csv")),
        "--study".into(),
        s(&d.join("study.toml")),
        "--roads".into(),
        s(&d),
    ]
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

/// Each of `files` is byte-identical in directories `a` and `b`.
fn same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
}

/// Exit 1 with one line that names the prepared file and contains `what`.
fn refused(o: &Out, file: &str, what: &str) {
    assert_eq!(o.code, 1, "expected exit 1: {}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(lines.len(), 1, "{}", o.stderr);
    assert!(
        lines[0].contains(file) && lines[0].contains(what),
        "expected {file:?} and {what:?} in: {}",
        lines[0]
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
}

#[test]
fn prepared_road_runs_equal_built_runs_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = synth(d);
    let o = ok_in(
        d,
        &args(
            &["prepare", "--network", "road", "--out", "road.rlnet"],
            &inp,
        ),
    );
    assert!(o.stdout.contains("wrote road.rlnet"), "{}", o.stdout);
    let with: Vec<String> = inp
        .iter()
        .cloned()
        .chain(["--prepared".into(), "road.rlnet".into()])
        .collect();
    // access by PHAST (the hierarchy from the file) and by Dijkstra with a cut-off.
    for (tail, name) in [
        (&["--engine", "phast"][..], "phast"),
        (&["--max-minutes", "60"][..], "dj"),
    ] {
        let mut head = vec!["access", "--network", "road", "--bands", "30,60"];
        head.extend_from_slice(tail);
        let a = format!("a_{name}.csv");
        let b = format!("b_{name}.csv");
        let built = ok_in(d, &args(&[&head[..], &["--out", &a]].concat(), &inp));
        let prepared = ok_in(d, &args(&[&head[..], &["--out", &b]].concat(), &with));
        assert_eq!(read(&d.join(&a)), read(&d.join(&b)), "{name}");
        assert_eq!(
            built.stdout.replace(&a, "X"),
            prepared.stdout.replace(&b, "X")
        );
        assert!(prepared.stderr.contains("using the prepared road network"));
    }
    // The wide matrix by PHAST, the long one by Dijkstra (time split by path), a route.
    for (tail, name) in [(&["--wide"][..], "wide"), (&[][..], "long")] {
        let head = [&["matrix", "--network", "road"][..], tail].concat();
        let a = format!("m_{name}.csv");
        let b = format!("n_{name}.csv");
        ok_in(d, &args(&[&head[..], &["--out", &a]].concat(), &inp));
        ok_in(d, &args(&[&head[..], &["--out", &b]].concat(), &with));
        assert_eq!(read(&d.join(&a)), read(&d.join(&b)), "{name}");
    }
    let r = ["route", "core_a", "core_b", "--network", "road"];
    assert_eq!(
        ok_in(d, &args(&r, &inp)).stdout,
        ok_in(d, &args(&r, &with)).stdout
    );
    // The measures that use the matrix and the network's links.
    for cmd in ["reach", "corridor", "centrality"] {
        let head = [cmd, "--network", "road"];
        assert_eq!(
            ok_in(d, &args(&head, &inp)).stdout,
            ok_in(d, &args(&head, &with)).stdout,
            "{cmd}"
        );
    }
    // info describes the combined network: its own prepared file, the same text and JSON.
    ok_in(d, &args(&["prepare", "--out", "combined.rlnet"], &inp));
    let withc: Vec<String> = inp
        .iter()
        .cloned()
        .chain(["--prepared".into(), "combined.rlnet".into()])
        .collect();
    for json in [&[][..], &["--json"][..]] {
        let head = [&["info"][..], json].concat();
        assert_eq!(
            ok_in(d, &args(&head, &inp)).stdout,
            ok_in(d, &args(&head, &withc)).stdout
        );
    }
    // The road file prepared for `road` is not the combined network.
    let o = run_in(d, &args(&["info"], &with));
    refused(
        &o,
        "road.rlnet",
        "network = road, this run has network = combined",
    );
    // An output may not replace a file of the road graph, prepared or not.
    let edges = s(&d.join("syn").join("edges.csv"));
    let o = run_in(
        d,
        &args(&["access", "--network", "road", "--out", &edges], &with),
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("refusing to overwrite an input"));
}

#[test]
fn prepared_default_data_runs_equal_built_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_in(d, &["prepare", "--out", "net.rlnet"]);
    for cmd in [
        &["access", "--out", "x.csv"][..],
        &["linkage"][..],
        &["matrix", "--wide"][..],
        &["route", "Chengdu", "Chongqing"][..],
        &["equity"][..],
    ] {
        let a = ok_in(d, cmd);
        let x = d.join("x.csv").exists().then(|| read(&d.join("x.csv")));
        let b = ok_in(d, &[cmd, &["--prepared", "net.rlnet"][..]].concat());
        let y = d.join("x.csv").exists().then(|| read(&d.join("x.csv")));
        assert_eq!(a.stdout, b.stdout, "{cmd:?}");
        assert_eq!(x, y, "{cmd:?}");
    }
    // Other options of the same inputs: the file was made for another network.
    ok_in(
        d,
        &[
            "prepare",
            "--year",
            "2030",
            "--with",
            "planned",
            "--time",
            "in-vehicle",
            "--out",
            "p.rlnet",
        ],
    );
    let a = ok_in(
        d,
        &[
            "reach",
            "--year",
            "2030",
            "--with",
            "planned",
            "--time",
            "in-vehicle",
        ],
    );
    let b = ok_in(
        d,
        &[
            "reach",
            "--year",
            "2030",
            "--with",
            "planned",
            "--time",
            "in-vehicle",
            "--prepared",
            "p.rlnet",
        ],
    );
    assert_eq!(a.stdout, b.stdout);
}

/// The prepared file of the default data, in a fresh directory.
fn prepared() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), &["prepare", "--out", "net.rlnet"]);
    let p = dir.path().join("net.rlnet");
    let bytes = read(&p);
    (dir, p, bytes)
}

fn access_with(d: &Path, file: &str, extra: &[&str]) -> Out {
    let mut a = vec!["access", "--prepared", file];
    a.extend_from_slice(extra);
    run_in(d, &a)
}

#[test]
fn a_truncated_file_is_refused() {
    let (dir, p, bytes) = prepared();
    let d = dir.path();
    for keep in [bytes.len() - 1, bytes.len() / 2, 40, 10, 3] {
        std::fs::write(d.join("t.rlnet"), &bytes[..keep]).unwrap();
        let o = access_with(d, "t.rlnet", &[]);
        let what = if keep < 8 {
            "not a prepared network"
        } else {
            "truncated"
        };
        refused(&o, "t.rlnet", what);
    }
    // Bytes after the end are not one prepared network either.
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"extra");
    std::fs::write(d.join("l.rlnet"), &longer).unwrap();
    refused(
        &access_with(d, "l.rlnet", &[]),
        "l.rlnet",
        "data after the end",
    );
    assert!(p.exists());
}

#[test]
fn a_flipped_byte_is_refused() {
    let (dir, _, bytes) = prepared();
    let d = dir.path();
    // In the header (an input's name), the payload's middle, its last byte (the checksum).
    for at in [60, bytes.len() / 2, bytes.len() - 1] {
        let mut b = bytes.clone();
        b[at] ^= 0x20;
        std::fs::write(d.join("f.rlnet"), &b).unwrap();
        refused(&access_with(d, "f.rlnet", &[]), "f.rlnet", "corrupted");
    }
    std::fs::write(d.join("text.rlnet"), "id,lon,lat\n").unwrap();
    refused(
        &access_with(d, "text.rlnet", &[]),
        "text.rlnet",
        "not a prepared network",
    );
}

#[test]
fn another_version_is_refused() {
    let (dir, _, bytes) = prepared();
    let d = dir.path();
    let mut b = bytes.clone();
    b[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(d.join("v.rlnet"), &b).unwrap();
    refused(
        &access_with(d, "v.rlnet", &[]),
        "v.rlnet",
        "format version 99, this regionlink reads version 2",
    );
    // The crate version follows its u32 length at byte 12.
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(&bytes[16..16 + version.len()], version.as_bytes());
    let mut b = bytes.clone();
    b[16] = b'9';
    std::fs::write(d.join("c.rlnet"), &b).unwrap();
    let other = format!("9{}", &version[1..]);
    refused(
        &access_with(d, "c.rlnet", &[]),
        "c.rlnet",
        &format!("written by regionlink {other}, this is {version}"),
    );
}

#[test]
fn other_inputs_are_refused_naming_the_file() {
    let (dir, _, _) = prepared();
    let d = dir.path();
    let units = s(&common::data("counties.geojson"));
    let o = access_with(d, "net.rlnet", &["--units", &units]);
    refused(
        &o,
        "net.rlnet",
        "was prepared from another units.geojson (sha256 ",
    );
    assert!(
        o.stderr.contains(&format!("not {units} (sha256 ")),
        "{}",
        o.stderr
    );
    // The same bytes under another path are the same input.
    let links = d.join("my_links.csv");
    std::fs::copy(common::data("links.csv"), &links).unwrap();
    let same = access_with(d, "net.rlnet", &["--links", &s(&links)]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    // One time changed in the links file.
    let text = std::fs::read_to_string(&links).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "time_min").unwrap();
    let row = (1..lines.len())
        .find(|&i| {
            lines[i]
                .split(',')
                .nth(col)
                .is_some_and(|v| v.parse::<f64>().is_ok())
        })
        .unwrap();
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
    let t: f64 = cells[col].parse().unwrap();
    cells[col] = format!("{}", t + 1.0);
    lines[row] = cells.join(",");
    std::fs::write(&links, lines.join("\n") + "\n").unwrap();
    let o = access_with(d, "net.rlnet", &["--links", &s(&links)]);
    refused(&o, "net.rlnet", "was prepared from another links.csv");
    assert!(o.stderr.contains("my_links.csv"), "{}", o.stderr);
    // An --add file the prepared network was not built with.
    let add = d.join("add.csv");
    std::fs::write(
        &add,
        std::fs::read_to_string(common::repo("examples/data/new_line.csv")).unwrap_or_default(),
    )
    .unwrap();
    if std::fs::metadata(&add).unwrap().len() > 0 {
        let o = access_with(d, "net.rlnet", &["--add", &s(&add)]);
        refused(&o, "net.rlnet", "(added links 1), which this run reads");
    }
}

#[test]
fn other_options_and_study_keys_are_refused_naming_the_key() {
    let (dir, _, _) = prepared();
    let d = dir.path();
    for (extra, what) in [
        (
            &["--time", "in-vehicle"][..],
            "time = door-to-door, this run has time = in-vehicle",
        ),
        (
            &["--year", "2030"][..],
            "year = none, this run has year = 2030",
        ),
        (
            &["--network", "rail"][..],
            "network = combined, this run has network = rail",
        ),
        (
            &["--drop", "x1"][..],
            "drop = (none), this run has drop = x1",
        ),
        (
            &["--seat-fields", "lon", "lat"][..],
            "study.fields.seat_lon = \"seat_lon\", this run has study.fields.seat_lon = \"lon\"",
        ),
    ] {
        refused(&access_with(d, "net.rlnet", extra), "net.rlnet", what);
    }
    // One speed of the study changed.
    let study = std::fs::read_to_string(common::data("study.toml")).unwrap();
    let changed = study.replacen("speed_kmh = 50", "speed_kmh = 55", 1);
    assert_ne!(study, changed);
    std::fs::write(d.join("study.toml"), changed).unwrap();
    let o = access_with(d, "net.rlnet", &["--study", "study.toml"]);
    refused(
        &o,
        "net.rlnet",
        "was prepared with study.network.road.speed_kmh = 50.0, this run has study.network.road.speed_kmh = 55.0",
    );
    // A change that shapes no arc (a band, the names read) uses the same network: the output
    // is the unprepared run's with that study, byte for byte.
    let banded = study.replacen("bands_min = [", "bands_min = [15, ", 1);
    assert_ne!(study, banded);
    std::fs::write(d.join("study2.toml"), banded).unwrap();
    for extra in [
        &["--study", "study2.toml"][..],
        &["--name-field", "name_zh"][..],
    ] {
        let tail = [extra, &["--out", "p.csv"][..]].concat();
        let o = access_with(d, "net.rlnet", &tail);
        assert_eq!(o.code, 0, "{extra:?}: {}", o.stderr);
        ok_in(
            d,
            &[&["access"][..], extra, &["--out", "b.csv"][..]].concat(),
        );
        assert_eq!(read(&d.join("p.csv")), read(&d.join("b.csv")), "{extra:?}");
    }
}

#[test]
fn commands_of_several_networks_refuse_files_that_cannot_serve_them() {
    let (dir, _, _) = prepared();
    let d = dir.path();
    // run's headline needs door-to-door times, which an in-vehicle network does not hold.
    ok_in(d, &["prepare", "--time", "in-vehicle", "--out", "iv.rlnet"]);
    let o = run_in(
        d,
        &[
            "run",
            "--time",
            "in-vehicle",
            "--prepared",
            "iv.rlnet",
            "--out",
            "r",
        ],
    );
    refused(
        &o,
        "iv.rlnet",
        "cannot give the headline's door-to-door times",
    );
    assert!(!d.join("r").exists());
    // resilience, timeline and scenario take a prepared network only when they can re-time it
    // (the file is checked first: the key of a timeline is its last year's, of a scenario
    // every link's).
    let o = run_in(d, &["resilience", "--prepared", "net.rlnet"]);
    refused(&o, "net.rlnet", "was prepared without --retimable");
    let o = run_in(d, &["timeline", "--prepared", "net.rlnet"]);
    refused(
        &o,
        "net.rlnet",
        "was prepared with year = none, this run has year = 2030; run prepare again with --year 2030 --retimable",
    );
    let o = run_in(d, &["scenario", "--prepared", "net.rlnet"]);
    refused(
        &o,
        "net.rlnet",
        "was prepared with with = none, this run has with = planned; run prepare again with --with planned --retimable",
    );
    ok_in(d, &["prepare", "--year", "2030", "--out", "y.rlnet"]);
    let o = run_in(d, &["timeline", "--prepared", "y.rlnet", "--out", "t"]);
    refused(
        &o,
        "y.rlnet",
        "was prepared without --retimable, and timeline re-times",
    );
    assert!(!d.join("t").exists());
    let o = run_in(
        d,
        &[
            "access",
            "--network",
            "composite",
            "--prepared",
            "net.rlnet",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("--network composite"), "{}", o.stderr);
    let o = run_in(
        d,
        &["prepare", "--network", "composite", "--out", "c.rlnet"],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!d.join("c.rlnet").exists());
    let o = run_in(d, &["access", "--prepared", "missing.rlnet"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("missing.rlnet: no such file"),
        "{}",
        o.stderr
    );
}

/// Shards of a PHAST run each read the hierarchy from one prepared file instead of contracting
/// it again; the merged table is the single run's, byte for byte.
#[test]
fn shards_on_a_prepared_network_merge_to_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = synth(d);
    ok_in(
        d,
        &args(
            &["prepare", "--network", "road", "--out", "road.rlnet"],
            &inp,
        ),
    );
    let head = ["access", "--network", "road", "--engine", "phast"];
    for i in 0..3 {
        let shard = format!("{i}/3");
        let o = ok_in(
            d,
            &args(
                &[
                    &head[..],
                    &[
                        "--prepared",
                        "road.rlnet",
                        "--shard",
                        &shard,
                        "--out",
                        "parts",
                    ],
                ]
                .concat(),
                &inp,
            ),
        );
        assert!(
            o.stderr.contains("made before (a prepared network"),
            "{}",
            o.stderr
        );
    }
    ok_in(d, &["merge", "parts", "--out", "merged.csv"]);
    ok_in(
        d,
        &args(&[&head[..], &["--out", "single.csv"]].concat(), &inp),
    );
    assert_eq!(read(&d.join("merged.csv")), read(&d.join("single.csv")));
}

/// `prepare --retimable` stores a hierarchy that `resilience --prepared` re-times for every
/// failed link and Monte Carlo sample: the same files, byte for byte, as the run that contracts
/// its own, on a synth road graph and on the default data; the file also still serves `access`
/// with Dijkstra's table.
#[test]
fn resilience_on_a_retimable_prepared_network_equals_the_built_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = synth(d);
    let mc = ["--samples", "8", "--k", "2", "--engine", "phast"];
    ok_in(
        d,
        &args(&["prepare", "--retimable", "--out", "r.rlnet"], &inp),
    );
    ok_in(
        d,
        &args(
            &[&["resilience"][..], &mc, &["--out", "built"]].concat(),
            &inp,
        ),
    );
    let with: Vec<String> = inp
        .iter()
        .cloned()
        .chain(["--prepared".into(), "r.rlnet".into()])
        .collect();
    ok_in(
        d,
        &args(
            &[&["resilience"][..], &mc, &["--out", "prep"]].concat(),
            &with,
        ),
    );
    let files = [
        "links_criticality.csv",
        "resilience_montecarlo.csv",
        "resilience_montecarlo_summary.csv",
        "resilience.md",
        "links_criticality.geojson",
    ];
    same_files(&d.join("built"), &d.join("prep"), &files);
    let rank = std::fs::read_to_string(d.join("prep/links_criticality.csv")).unwrap();
    assert_eq!(
        rank.lines().count(),
        5,
        "a header and the 4 synth HSR links: {rank}"
    );
    ok_in(
        d,
        &args(&["access", "--engine", "dijkstra", "--out", "a1.csv"], &inp),
    );
    ok_in(
        d,
        &args(
            &["access", "--engine", "dijkstra", "--out", "a2.csv"],
            &with,
        ),
    );
    assert_eq!(read(&d.join("a1.csv")), read(&d.join("a2.csv")));
    // The default data: every curated link fails in turn (stations, lines, transfers).
    ok_in(d, &["prepare", "--retimable", "--out", "default.rlnet"]);
    ok_in(
        d,
        &[&["resilience"][..], &mc, &["--out", "dbuilt"]].concat(),
    );
    ok_in(
        d,
        &[
            &["resilience"][..],
            &mc,
            &["--prepared", "default.rlnet", "--out", "dprep"],
        ]
        .concat(),
    );
    same_files(&d.join("dbuilt"), &d.join("dprep"), &files);
}

/// `timeline --prepared` on the last year's network and `scenario --prepared` on the network of
/// every link, each prepared `--retimable`, derive every network they compute from the file (no
/// road graph read, nothing contracted) and write the same files, byte for byte, as the runs
/// that build and contract their own — on a synth road graph whose links open in different
/// years, are under construction or planned, and on the default data (stations, lines,
/// transfers); sharded timelines on the file merge to the single run.
#[test]
fn timeline_and_scenario_on_a_retimable_prepared_network_equal_the_built_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = synth(d);
    // The synth links all open in 2020: give them different years and statuses.
    let links = d.join("syn/links.csv");
    let text = std::fs::read_to_string(&links).unwrap();
    let text: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let status = match i {
                2 => "open,2024,",
                3 => "under_construction,,2027",
                4 => "planned,,",
                _ => "open,2020,",
            };
            l.replacen(",open,2020,,", &format!(",{status},"), 1) + "\n"
        })
        .collect();
    std::fs::write(&links, text).unwrap();
    let with = |file: &str| -> Vec<String> {
        inp.iter()
            .cloned()
            .chain(["--prepared".into(), file.into()])
            .collect()
    };
    let years = ["--from", "2018", "--to", "2028", "--engine", "phast"];
    ok_in(
        d,
        &args(
            &[
                "prepare",
                "--year",
                "2028",
                "--retimable",
                "--out",
                "t.rlnet",
            ],
            &inp,
        ),
    );
    ok_in(
        d,
        &args(
            &[&["timeline"][..], &years, &["--out", "tb"]].concat(),
            &inp,
        ),
    );
    let tp = with("t.rlnet");
    ok_in(
        d,
        &args(&[&["timeline"][..], &years, &["--out", "tp"]].concat(), &tp),
    );
    let tfiles = [
        "timeline.csv",
        "timeline_summary.csv",
        "timeline.svg",
        "timeline.md",
    ];
    same_files(&d.join("tb"), &d.join("tp"), &tfiles);
    // The years differ (links open in 2020 and 2024, one is due in 2027), so the check
    // compares something: 0 links in service in 2018, then 1, 2 and 3.
    let summary = std::fs::read_to_string(d.join("tp/timeline_summary.csv")).unwrap();
    let counts: Vec<&str> = summary
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(
        counts,
        ["0", "0", "1", "1", "1", "1", "2", "2", "2", "3", "3"],
        "{summary}"
    );
    for i in 0..2 {
        let shard = format!("{i}/2");
        ok_in(
            d,
            &args(
                &[
                    &["timeline"][..],
                    &years,
                    &["--shard", &shard, "--out", "tparts"],
                ]
                .concat(),
                &tp,
            ),
        );
    }
    ok_in(d, &["merge", "tparts", "--out", "tm"]);
    same_files(&d.join("tb"), &d.join("tm"), &tfiles);
    // scenario: the planned and under-construction links against today's, and a year with a
    // dropped link.
    ok_in(
        d,
        &args(
            &[
                "prepare",
                "--with",
                "planned",
                "--retimable",
                "--out",
                "s.rlnet",
            ],
            &inp,
        ),
    );
    let sfiles = ["scenario.csv", "scenario.geojson", "scenario.md"];
    for (k, extra) in [&[][..], &["--year", "2025", "--drop", "H01"][..]]
        .iter()
        .enumerate()
    {
        let b = format!("sb{k}");
        let p = format!("sp{k}");
        let head = [&["scenario", "--engine", "phast"][..], extra].concat();
        ok_in(d, &args(&[&head[..], &["--out", &b]].concat(), &inp));
        ok_in(
            d,
            &args(&[&head[..], &["--out", &p]].concat(), &with("s.rlnet")),
        );
        for f in sfiles {
            assert_eq!(
                read(&d.join(&b).join(f)),
                read(&d.join(&p).join(f)),
                "{extra:?} {f}"
            );
        }
    }
    // A timeline file does not serve a scenario, nor a timeline of other years.
    let o = run_in(d, &args(&["scenario", "--out", "x"], &with("t.rlnet")));
    refused(
        &o,
        "t.rlnet",
        "was prepared with year = 2028, this run has year = none",
    );
    let o = run_in(
        d,
        &args(
            &["timeline", "--to", "2030", "--out", "x"],
            &with("t.rlnet"),
        ),
    );
    refused(
        &o,
        "t.rlnet",
        "run prepare again with --year 2030 --retimable",
    );
    assert!(!d.join("x").exists());
    // The default data, re-timed from the file (--engine phast) and by Dijkstra on its parts.
    ok_in(
        d,
        &[
            "prepare",
            "--year",
            "2030",
            "--retimable",
            "--out",
            "dt.rlnet",
        ],
    );
    ok_in(
        d,
        &[
            "prepare",
            "--with",
            "planned",
            "--retimable",
            "--out",
            "ds.rlnet",
        ],
    );
    ok_in(d, &["timeline", "--out", "dtb"]);
    ok_in(d, &["scenario", "--out", "dsb"]);
    for engine in ["phast", "dijkstra"] {
        let (t, s) = (format!("dtp-{engine}"), format!("dsp-{engine}"));
        ok_in(
            d,
            &[
                "timeline",
                "--engine",
                engine,
                "--prepared",
                "dt.rlnet",
                "--out",
                &t,
            ],
        );
        ok_in(
            d,
            &[
                "scenario",
                "--engine",
                engine,
                "--prepared",
                "ds.rlnet",
                "--out",
                &s,
            ],
        );
        same_files(&d.join("dtb"), &d.join(&t), &tfiles);
        same_files(&d.join("dsb"), &d.join(&s), &sfiles);
    }
}

/// `run --prepared`: the analysis on the prepared network, and the headline's in-vehicle and
/// sensitivity networks derived from it by scaling its station times (no road graph read) —
/// every file byte for byte the run that builds its own, on the default data, the county layer
/// and a synth road graph.
#[test]
fn run_on_a_prepared_network_equals_the_built_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inp = synth(d);
    let counties = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/counties.geojson");
    let cases: Vec<Vec<String>> = vec![vec![], vec!["--units".into(), s(&counties)], inp.clone()];
    for (k, input) in cases.iter().enumerate() {
        let file = format!("n{k}.rlnet");
        ok_in(d, &args(&["prepare", "--out", &file], input));
        let (b, p) = (format!("built{k}"), format!("prep{k}"));
        ok_in(d, &args(&["run", "--out", &b], input));
        let with: Vec<String> = input
            .iter()
            .cloned()
            .chain(["--prepared".into(), file.clone()])
            .collect();
        ok_in(d, &args(&["run", "--out", &p], &with));
        let mut names: Vec<_> = std::fs::read_dir(d.join(&b))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(names.len() > 10, "{names:?}");
        for n in names {
            assert_eq!(
                read(&d.join(&b).join(&n)),
                read(&d.join(&p).join(&n)),
                "case {k}: {n:?}"
            );
        }
    }
}
