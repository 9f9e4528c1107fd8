//! #17: sharded runs. For access, matrix, resilience and timeline, `--shard I/N` for every I and
//! `regionlink merge` write exactly the bytes of a single run (files and stdout), for N = 1, 3
//! and an N larger than the rows, on the default dataset and a small synthetic road graph; and
//! each refusal of `--shard` and `merge` is one line naming the part and what is wrong.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{ok_in, run_in};

/// Every file under `dir` (relative path → bytes).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// A small synthetic road graph (5 units) in `dir/s`, and the arguments that read it.
fn synth(dir: &Path) -> Vec<String> {
    ok_in(
        dir,
        &[
            "synth", "--nodes", "3000", "--seed", "3", "--units", "5", "--out", "s",
        ],
    );
    [
        "--units",
        "s/units.geojson",
        "--links",
        "s/links.csv",
        "--study",
        "s/study.toml",
        "--roads",
        "s",
    ]
    .map(String::from)
    .to_vec()
}

/// Run `args` + `out` once in a fresh directory, then as `n` shards and a merge in another;
/// the output (`out`: a file or a directory) and stdout must be byte-identical.
fn same_as_single(setup: impl Fn(&Path) -> Vec<String>, args: &[&str], out: &str, n: usize) {
    let single = tempfile::tempdir().unwrap();
    let sharded = tempfile::tempdir().unwrap();
    let mut a: Vec<String> = setup(single.path());
    assert_eq!(a, setup(sharded.path()));
    a.splice(0..0, args.iter().map(|s| s.to_string()));
    let with = |extra: &[&str]| -> Vec<String> {
        a.iter()
            .cloned()
            .chain(extra.iter().map(|s| s.to_string()))
            .collect()
    };
    let run = |dir: &Path, v: Vec<String>| {
        let v: Vec<&str> = v.iter().map(String::as_str).collect();
        ok_in(dir, &v)
    };
    let one = run(single.path(), with(&["--out", out]));
    for i in 0..n {
        let s = format!("{i}/{n}");
        let o = run(sharded.path(), with(&["--shard", &s, "--out", "parts"]));
        assert!(
            o.stdout.starts_with(&format!("wrote shard {s}")),
            "{}",
            o.stdout
        );
    }
    let parts = files(&sharded.path().join("parts"));
    assert_eq!(parts.len(), n);
    let merged = ok_in(sharded.path(), &["merge", "parts", "--out", out]);
    assert_eq!(
        one.stdout, merged.stdout,
        "{args:?} N = {n}: stdout differs"
    );
    let (x, y) = (single.path().join(out), sharded.path().join(out));
    if x.is_dir() {
        let (fx, fy) = (files(&x), files(&y));
        assert_eq!(
            fx.keys().collect::<Vec<_>>(),
            fy.keys().collect::<Vec<_>>(),
            "{args:?} N = {n}"
        );
        for (k, v) in &fx {
            assert!(v == &fy[k], "{args:?} N = {n}: {} differs", k.display());
        }
    } else {
        assert!(
            std::fs::read(&x).unwrap() == std::fs::read(&y).unwrap(),
            "{args:?} N = {n}: {out} differs"
        );
    }
}

fn default_data(_: &Path) -> Vec<String> {
    Vec::new()
}

#[test]
fn access_merged_is_byte_identical_to_a_single_run() {
    for n in [1, 3, 64] {
        same_as_single(default_data, &["access"], "access.csv", n);
    }
    // Through `Analysis::with_access_rows` on the composite network (rows from the matrix).
    same_as_single(
        default_data,
        &[
            "access",
            "--network",
            "composite",
            "--self-potential",
            "off",
        ],
        "access.csv",
        3,
    );
    for n in [1, 3, 7] {
        same_as_single(
            synth,
            &["access", "--network", "road", "--bands", "30,60"],
            "access.csv",
            n,
        );
    }
    // PHAST (forced; auto picks it for 500 units or more): every shard and the merge agree on
    // the kernel, and the summary says so.
    same_as_single(
        synth,
        &["access", "--network", "road", "--engine", "phast"],
        "access.csv",
        3,
    );
}

#[test]
fn matrix_merged_is_byte_identical_to_a_single_run() {
    for n in [1, 3] {
        same_as_single(default_data, &["matrix"], "od.csv", n);
    }
    same_as_single(default_data, &["matrix", "--wide"], "od.csv", 64);
    same_as_single(
        default_data,
        &["matrix", "--network", "composite", "--max-minutes", "200"],
        "od.csv",
        3,
    );
    for n in [1, 3, 7] {
        same_as_single(synth, &["matrix", "--max-minutes", "90"], "od.csv", n);
    }
}

#[test]
fn resilience_merged_is_byte_identical_to_a_single_run() {
    for n in [1, 3] {
        same_as_single(
            default_data,
            &["resilience", "--samples", "30", "--k", "2", "--seed", "5"],
            "res",
            n,
        );
    }
    for n in [1, 3, 40] {
        same_as_single(synth, &["resilience", "--network", "road"], "res", n);
    }
}

#[test]
fn timeline_merged_is_byte_identical_to_a_single_run() {
    for n in [1, 3, 9] {
        same_as_single(
            default_data,
            &["timeline", "--from", "2015", "--to", "2022"],
            "tl",
            n,
        );
    }
    same_as_single(
        synth,
        &["timeline", "--from", "2020", "--to", "2023"],
        "tl",
        3,
    );
}

/// Run and expect exit 1 with one line on stderr containing every one of `want`.
fn refused(dir: &Path, args: &[&str], want: &[&str]) {
    let o = run_in(dir, args);
    assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
    let err = o.stderr.trim_end();
    for w in want {
        assert!(err.contains(w), "{args:?}: {err:?} lacks {w:?}");
    }
    if !err.starts_with("error: invalid value") {
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn malformed_shards_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let d = d.path();
    refused(
        d,
        &["access", "--shard", "3/3", "--out", "p"],
        &["3/3", "does not exist"],
    );
    refused(
        d,
        &["access", "--shard", "0/0", "--out", "p"],
        &["0/0", "at least 1"],
    );
    for bad in ["", "x", "1", "1/", "-1/3", "1/2/3"] {
        refused(
            d,
            &["timeline", &format!("--shard={bad}")],
            &["expected I/N"],
        );
    }
    refused(
        d,
        &["access", "--shard", "0/2"],
        &["--shard 0/2", "--out DIR"],
    );
    refused(d, &["matrix", "--shard", "0/2"], &["--out DIR"]);
    std::fs::write(d.join("f.csv"), "x").unwrap();
    refused(
        d,
        &["access", "--shard", "0/2", "--out", "f.csv"],
        &["f.csv is a file", "directory"],
    );
    assert!(!d.join("p").exists(), "a refused shard wrote its directory");
}

#[test]
fn merge_refuses_parts_that_do_not_make_one_run() {
    let d = tempfile::tempdir().unwrap();
    let d = d.path();
    for i in 0..3 {
        ok_in(d, &["access", "--shard", &format!("{i}/3"), "--out", "p"]);
    }
    let part = |i: usize| format!("p/access.part-{i}-of-3.jsonl");
    // Missing shard: which one.
    refused(
        d,
        &["merge", &part(0), &part(2), "--out", "a.csv"],
        &["missing shard 1/3"],
    );
    // The same shard twice: overlapping slices.
    std::fs::create_dir_all(d.join("q")).unwrap();
    std::fs::copy(d.join(part(1)), d.join("q/access.part-1-of-3.jsonl")).unwrap();
    refused(
        d,
        &["merge", "p", "q", "--out", "a.csv"],
        &[
            "both are shard 1/3",
            "overlapping",
            "q/access.part-1-of-3.jsonl",
        ],
    );
    // Another N.
    ok_in(d, &["access", "--shard", "0/2", "--out", "n2"]);
    refused(
        d,
        &[
            "merge",
            &part(0),
            &part(1),
            &part(2),
            "n2/access.part-0-of-2.jsonl",
        ],
        &["n2/access.part-0-of-2.jsonl", "N differs"],
    );
    // Other options.
    ok_in(
        d,
        &["access", "--bands", "60,90", "--shard", "1/3", "--out", "b"],
    );
    refused(
        d,
        &["merge", &part(0), "b/access.part-1-of-3.jsonl", &part(2)],
        &[
            "b/access.part-1-of-3.jsonl",
            "other options",
            "--bands 60,90",
        ],
    );
    // Another command.
    ok_in(
        d,
        &[
            "timeline", "--from", "2020", "--to", "2021", "--shard", "1/3", "--out", "t",
        ],
    );
    refused(
        d,
        &["merge", &part(0), "t/timeline.part-1-of-3.jsonl", &part(2)],
        &[
            "t/timeline.part-1-of-3.jsonl",
            "a part of `timeline`, not of `access`",
        ],
    );
    // Not a part; a truncated part.
    std::fs::write(d.join("junk.jsonl"), "hello\n").unwrap();
    refused(
        d,
        &["merge", "junk.jsonl"],
        &["junk.jsonl", "not a regionlink part file"],
    );
    let text = std::fs::read_to_string(d.join(part(1))).unwrap();
    let cut: Vec<&str> = text.lines().take(5).collect();
    std::fs::write(d.join("cut.jsonl"), cut.join("\n")).unwrap();
    refused(
        d,
        &["merge", &part(0), "cut.jsonl", &part(2)],
        &["cut.jsonl", "4 rows, the manifest says 20"],
    );
    refused(
        d,
        &["merge", "nothing-here"],
        &["nothing-here", "no such file"],
    );
    std::fs::create_dir_all(d.join("empty")).unwrap();
    refused(d, &["merge", "empty"], &["empty", "no part files"]);
    // All three: fine.
    ok_in(d, &["merge", "p", "--out", "a.csv"]);
}

#[test]
fn merge_refuses_parts_from_other_inputs() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    for (dir, seed) in [(&a, "3"), (&b, "4")] {
        std::fs::create_dir_all(dir).unwrap();
        ok_in(
            dir,
            &[
                "synth", "--nodes", "2000", "--seed", seed, "--units", "4", "--out", "s",
            ],
        );
    }
    let args = |i: &str| {
        [
            "access",
            "--units",
            "s/units.geojson",
            "--links",
            "s/links.csv",
            "--study",
            "s/study.toml",
            "--roads",
            "s",
            "--shard",
            i,
            "--out",
            "p",
        ]
        .map(String::from)
    };
    let run = |dir: &Path, i: &str| {
        let v = args(i);
        let v: Vec<&str> = v.iter().map(String::as_str).collect();
        ok_in(dir, &v);
    };
    run(&a, "0/2");
    run(&b, "1/2");
    std::fs::copy(
        b.join("p/access.part-1-of-2.jsonl"),
        a.join("other.part-1-of-2.jsonl"),
    )
    .unwrap();
    refused(
        &a,
        &[
            "merge",
            "p/access.part-0-of-2.jsonl",
            "other.part-1-of-2.jsonl",
        ],
        &["other.part-1-of-2.jsonl", "from other inputs", "has sha256"],
    );
    // Inputs changed between the shards and the merge.
    run(&a, "1/2");
    let units = a.join("s/units.geojson");
    let mut text = std::fs::read_to_string(&units).unwrap();
    text.push('\n');
    std::fs::write(&units, text).unwrap();
    refused(
        &a,
        &["merge", "p", "--out", "x.csv"],
        &[
            "the inputs changed since the parts were computed",
            "s/units.geojson",
        ],
    );
    assert!(!a.join("x.csv").exists());
}
