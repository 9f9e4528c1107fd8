//! The outputs of a timeline: `timeline.csv` (per unit and year), `timeline_summary.csv`
//! (region-wide per year), the chart `timeline.svg` and the report section `timeline.md`.

use crate::analysis::Timeline;
use crate::export::table::{Cell, Table};
use crate::export::tables::column_values;
use crate::export::write::Outputs;
use crate::load::Inputs;

/// The files of a timeline from `from` to `to`, and the report section (also for printing).
pub fn outputs(inputs: &Inputs, tl: &Timeline, from: i32, to: i32) -> (Outputs, String) {
    let region = &inputs.region;
    let cores = &inputs.study.cores;
    let keys: Vec<String> = (0..cores.len()).map(|i| inputs.study.core_key(i)).collect();
    let mut long = Table::new(&[
        ("year", 0),
        ("code", 0),
        ("name", 0),
        ("name_zh", 0),
        ("watt_min", 2),
    ]);
    for k in &keys {
        long.column(format!("t_{k}_min"), 2);
    }
    let tcc = match keys.as_slice() {
        [a, b, ..] => format!("t_{a}_{b}_min"),
        _ => "t_cores_min".into(),
    };
    let mut summary = Table::new(&[
        ("year", 0),
        ("links_in_service", 0),
        (&tcc, 2),
        ("watt_mean_min", 2),
        ("watt_cv", 4),
        ("units_with_watt", 0),
    ]);
    for y in &tl.years {
        for (i, u) in region.units.iter().enumerate() {
            let mut row: Vec<Cell> = vec![
                Cell::Int(Some(i64::from(y.year))),
                u.code.clone().into(),
                u.name.clone().into(),
                u.name_zh.clone().unwrap_or_default().into(),
                y.watt[i].into(),
            ];
            for c in &y.cores {
                row.push(c[i].into());
            }
            long.push(row);
        }
        summary.push(vec![
            Cell::Int(Some(i64::from(y.year))),
            y.links_in_service.into(),
            y.t_cores_min.into(),
            y.watt_mean_min.into(),
            y.watt_cv.into(),
            y.units_with_watt.into(),
        ]);
    }
    let mut out = Outputs::default();
    out.csv("timeline.csv", &long);
    out.csv("timeline_summary.csv", &summary);
    let tc = column_values(&summary, &tcc);
    let cvs = column_values(&summary, "watt_cv");
    let watt_mean = column_values(&summary, "watt_mean_min");
    let label = match cores.as_slice() {
        [a, b, ..] => format!("{}–{} time (min)", a.name, b.name),
        _ => "core-to-core time (min)".into(),
    };
    out.push(
        "timeline.svg",
        svg_chart(
            &tl.years.iter().map(|y| y.year).collect::<Vec<_>>(),
            &[(&tc, &label), (&watt_mean, "mean WATT (min)")],
            &cvs,
            "CV of WATT",
        )
        .into_bytes(),
    );
    let mut md = format!(
        "## Timeline {from}–{to}: time–space convergence\n\nEach year's network holds the links in service that year (open links by opening year, planned ones by planned year; links without a year count as open throughout; generated roads are always there). WATT mass: {}.\n\n",
        tl.mass.describe()
    );
    let mut p = Vec::new();
    summary
        .print(&mut p)
        .expect("printing to memory cannot fail");
    md.push_str("```text\n");
    md.push_str(&String::from_utf8_lossy(&p));
    md.push_str("```\n\n![timeline](timeline.svg)\n");
    out.push("timeline.md", md.clone().into_bytes());
    (out, md)
}

/// A small line chart as SVG: the `left` series (minutes) on the left axis, `b` on the right.
/// Both axes start at 0, so a change is drawn in proportion to the whole value and not
/// magnified by a cut axis.
pub fn svg_chart(
    x: &[i32],
    left: &[(&[Option<f64>], &str)],
    b: &[Option<f64>],
    b_label: &str,
) -> String {
    let (w, h, l, r, t, bm) = (720.0, 360.0, 70.0, 70.0, 30.0, 50.0);
    let range = |v: &[Option<f64>]| {
        let vals: Vec<f64> = v.iter().flatten().copied().collect();
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if vals.is_empty() || hi <= 0.0 {
            (0.0, 1.0)
        } else {
            (lo.min(0.0), hi * 1.05)
        }
    };
    let (x0, x1) = (
        f64::from(*x.first().unwrap_or(&0)),
        f64::from(*x.last().unwrap_or(&1)).max(f64::from(*x.first().unwrap_or(&0)) + 1.0),
    );
    let px = |xv: i32| l + (f64::from(xv) - x0) / (x1 - x0) * (w - l - r);
    let series = |v: &[Option<f64>], (lo, hi): (f64, f64), colour: &str| {
        let mut d = String::new();
        let mut pen = false;
        for (xv, yv) in x.iter().zip(v) {
            match yv {
                Some(y) => {
                    let py = t + (1.0 - (y - lo) / (hi - lo)) * (h - t - bm);
                    d.push_str(&format!(
                        "{}{:.1},{:.1} ",
                        if pen { "L" } else { "M" },
                        px(*xv),
                        py
                    ));
                    pen = true;
                }
                None => pen = false,
            }
        }
        format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n",
            d.trim_end()
        )
    };
    let all_left: Vec<Option<f64>> = left.iter().flat_map(|(v, _)| v.iter().copied()).collect();
    let (ra, rb) = (range(&all_left), range(b));
    const LEFT: [&str; 3] = ["#1f77b4", "#2ca02c", "#9467bd"];
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n"
    );
    s.push_str(&format!(
        "<line x1=\"{l}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n",
        h - bm,
        w - r,
        h - bm
    ));
    s.push_str(&format!("<line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{}\" stroke=\"#1f77b4\"/>\n<line x1=\"{}\" y1=\"{t}\" x2=\"{}\" y2=\"{}\" stroke=\"#d62728\"/>\n", h - bm, w - r, w - r, h - bm));
    for k in 0..=4 {
        let f = f64::from(k) / 4.0;
        let py = t + (1.0 - f) * (h - t - bm);
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1f77b4\">{:.0}</text>\n",
            l - 6.0,
            py + 4.0,
            ra.0 + f * (ra.1 - ra.0)
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" fill=\"#d62728\">{:.3}</text>\n",
            w - r + 6.0,
            py + 4.0,
            rb.0 + f * (rb.1 - rb.0)
        ));
    }
    let every = (x.len() / 10).max(1);
    for (k, xv) in x.iter().enumerate().filter(|(k, _)| k % every == 0) {
        let _ = k;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{xv}</text>\n",
            px(*xv),
            h - bm + 18.0
        ));
    }
    let mut lx = l;
    for (k, (v, label)) in left.iter().enumerate() {
        let colour = LEFT[k % LEFT.len()];
        s.push_str(&series(v, ra, colour));
        s.push_str(&format!(
            "<text x=\"{lx:.1}\" y=\"18\" fill=\"{colour}\">{}</text>\n",
            xml(label)
        ));
        lx += 7.0 * label.chars().count() as f64 + 16.0;
    }
    s.push_str(&series(b, rb, "#d62728"));
    s.push_str(&format!(
        "<text x=\"{}\" y=\"18\" text-anchor=\"end\" fill=\"#d62728\">{}</text>\n</svg>\n",
        w - r,
        xml(b_label)
    ));
    s
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::svg_chart;

    /// #15: the chart's axes start at 0 (a CV moving from 0.33 to 0.40 is not drawn across the
    /// whole height), and the mean WATT is drawn beside the core-to-core time.
    #[test]
    fn axes_start_at_zero_and_every_series_is_drawn() {
        let t = [Some(120.0), Some(100.0)];
        let w = [Some(210.0), Some(200.0)];
        let cv = [Some(0.403), Some(0.326)];
        let s = svg_chart(
            &[2010, 2020],
            &[(&t, "core time (min)"), (&w, "mean WATT (min)")],
            &cv,
            "CV",
        );
        // bottom ticks: 0 on the left, 0.000 on the right
        assert!(s.contains("fill=\"#1f77b4\">0</text>"), "{s}");
        assert!(s.contains("fill=\"#d62728\">0.000</text>"), "{s}");
        // top ticks: 5 % above the largest value of each axis (210 min, CV 0.403)
        assert!(s.contains(">220</text>"), "{s}");
        assert!(s.contains(">0.423</text>"), "{s}");
        assert_eq!(s.matches("<path ").count(), 3);
        assert!(s.contains("mean WATT (min)") && s.contains(">CV<"));
    }
}
