//! `report.html` stands alone: every map inline, nothing fetched from anywhere (no script,
//! style sheet, web font, image or link to another file), in both languages.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

mod common;

/// The external references an HTML page could make, found in `html`.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for needle in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "@font-face",
        "src=",
        "href=",
        "url(",
        "//fonts.",
    ] {
        if lower.contains(needle) {
            found.push(needle.to_string());
        }
    }
    // http(s) only as the SVG namespace
    let rest = lower.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for scheme in ["http://", "https://", "file:", "ftp://"] {
        if rest.contains(scheme) {
            found.push(scheme.to_string());
        }
    }
    found
}

#[test]
fn report_html_references_no_external_resource_and_carries_every_map() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, out) in [("en", "en"), ("zh", "zh")] {
        let (code, _, err) = common::run_in(
            dir.path(),
            &["run", "--quiet", "--lang", lang, "--out", out],
        )
        .parts();
        assert_eq!(code, 0, "{err}");
        let d = dir.path().join(out);
        let html = std::fs::read_to_string(d.join("report.html")).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "{lang}");
        assert!(html.contains("<meta charset=\"utf-8\">"), "{lang}");
        assert_eq!(external_references(&html), Vec::<String>::new(), "{lang}");
        // every map of report.md is inline in report.html, the same drawing
        let md = std::fs::read_to_string(d.join("report.md")).unwrap();
        let maps: Vec<&str> = md
            .lines()
            .filter_map(|l| l.strip_prefix("![")?.split("](").nth(1)?.strip_suffix(')'))
            .collect();
        assert_eq!(
            maps,
            vec![
                "map_watt.svg",
                "map_isochrones_chengdu.svg",
                "map_isochrones_chongqing.svg",
                "map_corridor.svg",
                "map_linkage.svg",
                "map_links.svg",
            ],
            "{lang}"
        );
        for m in &maps {
            let svg = std::fs::read_to_string(d.join(m)).unwrap();
            assert!(svg.starts_with("<svg "), "{m}");
            assert!(html.contains(svg.trim_end()), "{lang}: {m} is not inline");
            assert_eq!(external_references(&svg), Vec::<String>::new(), "{m}");
        }
        // Chinese text as UTF-8 (not escaped), with CJK fonts named for it
        if lang == "zh" {
            assert!(html.contains("<html lang=\"zh-CN\">"));
            assert!(html.contains("成都"), "zh report names Chengdu in Chinese");
            assert!(html.contains("门到门"));
            assert!(html.contains("Noto Sans CJK SC") || html.contains("Microsoft YaHei"));
        } else {
            assert!(html.contains("door-to-door"));
        }
    }
}

/// The linkage map names the study's mass, not always population (the valley study uses
/// √(GDP·population)).
#[test]
fn the_linkage_map_names_the_mass_used() {
    let dir = tempfile::tempdir().unwrap();
    let d = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/valley");
    let o = common::run_in(
        dir.path(),
        &[
            "run",
            "--quiet",
            "--units",
            &format!("{d}/units.geojson"),
            "--links",
            &format!("{d}/links.csv"),
            "--study",
            &format!("{d}/study.toml"),
            "--out",
            "o",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let svg = std::fs::read_to_string(dir.path().join("o/map_linkage.svg")).unwrap();
    assert!(svg.contains("√(GDP·population) mass"), "{svg}");
    assert!(!svg.contains("(population mass"), "{svg}");
}
