//! QGIS styles: `.qml` sidecar files that QGIS 3.22 applies automatically when a layer is
//! opened (write `units.qml` beside `units.geojson`).
//!
//! Two renderers, each with optional labels:
//!
//! * [`graduated`]: up to 5 quantile classes of a numeric field, breaks rounded to "nice"
//!   numbers, sequential colours from light to dark (dark = good: high values, or low values
//!   when `low_is_good`); lines also get wider with the class, so the good links stand out.
//! * [`categorized`]: one colour per value of a field (isochrones by band, links by mode),
//!   from a qualitative palette.
//!
//! The XML follows what QGIS 3.22 itself saves (`saveNamedStyle` with the Symbology and
//! Labeling categories), reduced to what QGIS needs to read it back: the renderer
//! (`<renderer-v2>` with its ranges or categories and one symbol each), the labels
//! (`<labeling type="simple">` naming the field, enabled by `labelsEnabled="1"` on the root)
//! and `<layerGeometryType>` (0 point, 1 line, 2 polygon). Every other setting keeps its QGIS
//! default.
//!
//! # Missing values
//!
//! Features whose field is NULL match no class, and QGIS 3.22's graduated renderer does not
//! draw them at all (it has no "all other values" class); they are not counted in the class
//! breaks either. A layer with no value at all gets a single-symbol style (every feature drawn
//! in one neutral colour), so that the features stay visible. In a categorised style, values
//! not listed are not drawn either.

use std::fmt::Write as _;

/// The kind of geometry a style is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeomKind {
    /// Polygons and multipolygons: filled.
    Polygon,
    /// Points: a circle marker.
    Point,
    /// Lines: a stroke.
    Line,
}

impl GeomKind {
    /// QGIS's symbol type.
    fn symbol_type(self) -> &'static str {
        match self {
            GeomKind::Polygon => "fill",
            GeomKind::Point => "marker",
            GeomKind::Line => "line",
        }
    }

    /// QGIS's `QgsWkbTypes::GeometryType` number.
    fn layer_geometry_type(self) -> u8 {
        match self {
            GeomKind::Point => 0,
            GeomKind::Line => 1,
            GeomKind::Polygon => 2,
        }
    }
}

/// The number of classes of [`graduated`].
pub const CLASSES: usize = 5;

/// Sequential light → dark (ColorBrewer YlGnBu, 5 classes).
const SEQUENTIAL: [(u8, u8, u8); CLASSES] = [
    (255, 255, 204),
    (161, 218, 180),
    (65, 182, 196),
    (44, 127, 184),
    (37, 52, 148),
];

/// Line widths (mm) from the lightest to the darkest class.
const LINE_WIDTHS: [f64; CLASSES] = [0.4, 0.8, 1.2, 1.6, 2.0];

/// Qualitative (ColorBrewer Dark2, 8 classes; repeated for more categories).
const QUALITATIVE: [(u8, u8, u8); 8] = [
    (27, 158, 119),
    (217, 95, 2),
    (117, 112, 179),
    (231, 41, 138),
    (102, 166, 30),
    (230, 171, 2),
    (166, 118, 29),
    (102, 102, 102),
];

/// One class of a graduated style: `lower ≤ value ≤ upper` (QGIS takes the first class that
/// matches, so a value equal to a break falls into the lower class).
#[derive(Debug, Clone, PartialEq)]
struct Class {
    lower: f64,
    upper: f64,
}

/// A `.qml` sidecar (QGIS 3.22) with a graduated colour renderer on `field`.
///
/// Up to [`CLASSES`] quantile classes of the finite values of `values`, with round breaks.
/// Break k starts at the gap between neighbouring sorted values at rank k/5 of the values
/// (moved to the nearest gap where the values differ when they tie there); it may move by up
/// to a quarter of a class (n/20 ranks for n values) to reach a rounder number (`50` rather
/// than `54.37`), the coarsest of …, 100, 50, 10, 5, 1, 0.5, … that fits, nearest the exact
/// quantile. So with 59 values a class holds 12 ± 4 of them, and with fewer than 20 values
/// the split is exact. The lowest bound is rounded down and the highest up, to a tenth of the
/// order of magnitude of the range. Repeated values can leave fewer classes; equal values
/// give one. The result depends only on the set of values, not on their order. Colours run
/// from light to dark with the values, or from dark to light when `low_is_good` (dark is
/// always the good end); for lines the width grows with the colour
/// (0.4 to 2 mm). Class labels read `120 – 150 min` (`unit` after the numbers, left out when
/// empty).
///
/// # Arguments
///
/// * `kind` — the layer's geometry: polygons are filled, points drawn as circles, lines
///   stroked.
/// * `field` — the numeric property to classify (must match the GeoJSON key exactly).
/// * `values` — the field's values in the layer (`None` and non-finite values are ignored).
/// * `low_is_good` — reverse the colours (travel times: short is good).
/// * `label_field` — the property drawn as label (`name`, `name_zh`); empty for no labels.
/// * `unit` — the unit shown in the class labels (`min`, `10k people`), may be empty.
///
/// # Returns
///
/// The XML text. When `values` has no finite value, a single-symbol style (see the
/// [module docs](self)).
///
/// # Examples
///
/// ```
/// use regionlink::export::qml::{graduated, GeomKind};
///
/// let t: Vec<Option<f64>> = (0..50).map(|i| Some(10.0 + 5.0 * i as f64)).chain([None]).collect();
/// let qml = graduated(GeomKind::Polygon, "t_chengdu_min", &t, true, "name_zh", "min");
/// assert!(qml.contains(r#"attr="t_chengdu_min""#));
/// assert_eq!(qml.matches("<range ").count(), 5);
/// // 10, 15, …, 50 minutes in the first class (9 values instead of 10: 50 is rounder than 55).
/// assert!(qml.contains(r#"label="10 – 50 min""#));
/// assert!(qml.contains(r#"fieldName="name_zh""#));
/// ```
pub fn graduated(
    kind: GeomKind,
    field: &str,
    values: &[Option<f64>],
    low_is_good: bool,
    label_field: &str,
    unit: &str,
) -> String {
    let classes = quantile_classes(values, CLASSES);
    let label = (!label_field.is_empty()).then_some(label_field);
    let mut x = header(label.is_some());
    if classes.is_empty() {
        let _ = writeln!(
            x,
            r#"  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">"#
        );
        x.push_str("    <symbols>\n");
        x.push_str(&symbol(kind, "0", (189, 189, 189), 255, 0.6));
        x.push_str("    </symbols>\n  </renderer-v2>\n");
    } else {
        let _ = writeln!(
            x,
            r#"  <renderer-v2 type="graduatedSymbol" attr="{}" graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0">"#,
            esc(field)
        );
        x.push_str("    <ranges>\n");
        for (i, c) in classes.iter().enumerate() {
            let text = if c.lower == c.upper {
                show(c.lower)
            } else {
                format!("{} – {}", show(c.lower), show(c.upper))
            };
            let text = if unit.is_empty() {
                text
            } else {
                format!("{text} {unit}")
            };
            let _ = writeln!(
                x,
                r#"      <range lower="{}" upper="{}" symbol="{i}" label="{}" render="true"/>"#,
                show(c.lower),
                show(c.upper),
                esc(&text)
            );
        }
        x.push_str("    </ranges>\n    <symbols>\n");
        let n = classes.len();
        for i in 0..n {
            // Spread fewer classes over the whole palette; a single class gets the middle.
            let step = if n == 1 {
                CLASSES / 2
            } else {
                (i * (CLASSES - 1) + (n - 1) / 2) / (n - 1)
            };
            let step = if low_is_good {
                CLASSES - 1 - step
            } else {
                step
            };
            x.push_str(&symbol(
                kind,
                &i.to_string(),
                SEQUENTIAL[step],
                255,
                LINE_WIDTHS[step],
            ));
        }
        x.push_str("    </symbols>\n");
        let format = if unit.is_empty() {
            "%1 – %2".to_string()
        } else {
            format!("%1 – %2 {unit}")
        };
        let _ = writeln!(
            x,
            r#"    <classificationMethod id="Quantile">
      <symmetricMode enabled="0" symmetrypoint="0" astride="0"/>
      <labelFormat format="{}" labelprecision="0" trimtrailingzeroes="1"/>
      <parameters>
        <Option/>
      </parameters>
      <extraInformation/>
    </classificationMethod>
  </renderer-v2>"#,
            esc(&format)
        );
    }
    footer(&mut x, kind, label);
    x
}

/// A categorised style (e.g. isochrones by band, links by mode): each category value with a
/// colour and a label.
///
/// Colours come from a qualitative palette (ColorBrewer Dark2), in the order of
/// `categories`, repeating after 8. Polygons are filled at 60 % opacity, so that
/// overlapping features (nested isochrone bands) stay visible; lines are 0.8 mm wide.
///
/// # Arguments
///
/// * `kind` — the layer's geometry.
/// * `field` — the property whose values are the categories (text or integer).
/// * `categories` — `(value, label)` pairs: the value as written in the GeoJSON (`"hsr"`,
///   `"60"` for the number 60), and the label shown in the legend.
/// * `label_field` — the property drawn as label on the map, or `None`.
///
/// # Returns
///
/// The XML text. Features whose value is not listed are not drawn.
///
/// # Examples
///
/// ```
/// use regionlink::export::qml::{categorized, GeomKind};
///
/// let modes = [("hsr".to_string(), "High-speed rail".to_string()), ("road".into(), "Road".into())];
/// let qml = categorized(GeomKind::Line, "mode", &modes, None);
/// assert!(qml.contains(r#"<category value="hsr" symbol="0" label="High-speed rail" render="true"/>"#));
/// assert!(!qml.contains("<labeling"));
/// ```
pub fn categorized(
    kind: GeomKind,
    field: &str,
    categories: &[(String, String)],
    label_field: Option<&str>,
) -> String {
    let label = label_field.filter(|f| !f.is_empty());
    let mut x = header(label.is_some());
    let _ = writeln!(
        x,
        r#"  <renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="0" forceraster="0">"#,
        esc(field)
    );
    x.push_str("    <categories>\n");
    for (i, (value, text)) in categories.iter().enumerate() {
        let _ = writeln!(
            x,
            r#"      <category value="{}" symbol="{i}" label="{}" render="true"/>"#,
            esc(value),
            esc(text)
        );
    }
    x.push_str("    </categories>\n    <symbols>\n");
    let alpha = if kind == GeomKind::Polygon { 153 } else { 255 };
    for i in 0..categories.len() {
        let colour = QUALITATIVE[i % QUALITATIVE.len()];
        x.push_str(&symbol(kind, &i.to_string(), colour, alpha, 0.8));
    }
    x.push_str("    </symbols>\n  </renderer-v2>\n");
    footer(&mut x, kind, label);
    x
}

fn header(labels: bool) -> String {
    let mut x = String::from("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        x,
        r#"<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="{}">"#,
        u8::from(labels)
    );
    x
}

fn footer(x: &mut String, kind: GeomKind, label: Option<&str>) {
    if let Some(f) = label {
        x.push_str(&labeling(kind, f));
    }
    let _ = writeln!(
        x,
        "  <layerGeometryType>{}</layerGeometryType>\n</qgis>",
        kind.layer_geometry_type()
    );
}

/// One `<symbol>`: fill (grey outline), circle marker (3 mm) or line (`line_width` mm).
fn symbol(
    kind: GeomKind,
    name: &str,
    (r, g, b): (u8, u8, u8),
    alpha: u8,
    line_width: f64,
) -> String {
    let colour = format!("{r},{g},{b},{alpha}");
    let (class, options): (&str, Vec<(&str, String)>) = match kind {
        GeomKind::Polygon => (
            "SimpleFill",
            vec![
                ("color", colour),
                ("outline_color", "90,90,90,255".into()),
                ("outline_style", "solid".into()),
                ("outline_width", "0.2".into()),
                ("outline_width_unit", "MM".into()),
                ("style", "solid".into()),
            ],
        ),
        GeomKind::Point => (
            "SimpleMarker",
            vec![
                ("color", colour),
                ("name", "circle".into()),
                ("outline_color", "50,50,50,255".into()),
                ("outline_style", "solid".into()),
                ("outline_width", "0.2".into()),
                ("outline_width_unit", "MM".into()),
                ("size", "3".into()),
                ("size_unit", "MM".into()),
            ],
        ),
        GeomKind::Line => (
            "SimpleLine",
            vec![
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
                ("line_color", colour),
                ("line_style", "solid".into()),
                ("line_width", show(line_width)),
                ("line_width_unit", "MM".into()),
            ],
        ),
    };
    let mut x = format!(
        "      <symbol type=\"{}\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">\n          <Option type=\"Map\">\n",
        kind.symbol_type()
    );
    for (k, v) in options {
        let _ = writeln!(
            x,
            r#"            <Option name="{k}" type="QString" value="{v}"/>"#
        );
    }
    x.push_str("          </Option>\n        </layer>\n      </symbol>\n");
    x
}

/// Simple labels on `field`: 8 pt dark text with a white 0.8 mm halo, fonts that have Chinese
/// glyphs first; around points, over polygons (inside), along lines.
fn labeling(kind: GeomKind, field: &str) -> String {
    // QgsPalLayerSettings::Placement: 0 AroundPoint, 1 OverPoint, 2 Line.
    let placement = match kind {
        GeomKind::Point => r#"placement="0" dist="1" distUnits="MM""#,
        GeomKind::Polygon => {
            r#"placement="1" centroidInside="1" centroidWhole="0" fitInPolygonOnly="0""#
        }
        GeomKind::Line => r#"placement="2" placementFlags="10" dist="0.5" distUnits="MM""#,
    };
    format!(
        r#"  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{}" isExpression="0" fontFamily="Noto Sans CJK SC" fontSize="8" fontSizeUnit="Point" textColor="30,30,30,255" textOpacity="1" namedStyle="Regular" fontWeight="50" fontItalic="0" fontUnderline="0" fontStrikeout="0" fontKerning="1" multilineHeight="1" allowHtml="0" useSubstitutions="0" capitalization="0" blendMode="0">
        <families>
          <family name="Noto Sans CJK SC"/>
          <family name="Source Han Sans SC"/>
          <family name="Microsoft YaHei"/>
          <family name="PingFang SC"/>
          <family name="WenQuanYi Micro Hei"/>
          <family name="Sans Serif"/>
        </families>
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/>
      </text-style>
      <text-format wrapChar="" multilineAlign="3" formatNumbers="0" decimals="3" plussign="0"/>
      <placement {placement} priority="5" offsetType="0" xOffset="0" yOffset="0" rotationAngle="0"/>
      <rendering drawLabels="1" scaleVisibility="0" obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" minFeatureSize="0" limitNumLabels="0" maxNumLabels="2000" fontLimitPixelSize="0" zIndex="0" unplacedVisibility="0"/>
    </settings>
  </labeling>
"#,
        esc(field)
    )
}

/// The quantile classes of the finite values (see [`graduated`]); empty when there is none.
fn quantile_classes(values: &[Option<f64>], n: usize) -> Vec<Class> {
    let mut v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    v.sort_by(f64::total_cmp);
    let (Some(&min), Some(&max)) = (v.first(), v.last()) else {
        return Vec::new();
    };
    if min == max {
        let x = min + 0.0;
        return vec![Class { lower: x, upper: x }];
    }
    let (lower, upper) = outer_bounds(min, max);
    // Break k separates the sorted values at rank round(k·len/n), or at the nearest rank
    // where two neighbouring values differ; it may move by up to `slack` ranks (a quarter of
    // a class) to reach a rounder number.
    let len = v.len();
    let slack = len / (4 * n);
    let gaps: Vec<usize> = (1..len).filter(|&i| v[i - 1] < v[i]).collect();
    let mut breaks: Vec<f64> = Vec::new();
    for k in 1..n {
        let target = (2 * k * len + n) / (2 * n);
        let Some(&i) = gaps.iter().min_by_key(|&&i| (i.abs_diff(target), i)) else {
            continue;
        };
        let (lo, hi) = (i.saturating_sub(slack).max(1), (i + slack).min(len - 1));
        let b = nice_between(v[lo - 1], v[hi], v[i - 1] / 2.0 + v[i] / 2.0);
        if breaks.last().is_none_or(|&last| last < b) {
            breaks.push(b);
        }
    }
    let mut bounds = vec![lower];
    bounds.extend(breaks);
    bounds.push(upper);
    bounds
        .windows(2)
        .map(|w| Class {
            lower: w[0],
            upper: w[1],
        })
        .collect()
}

/// `k × 10^e` as the `f64` nearest to that decimal (`k / 10^-e` for negative `e`, so that
/// `3 × 10^-1` is `0.3`, not `0.30000000000000004`).
fn decimal(k: f64, e: i32) -> f64 {
    if e >= 0 {
        k * 10f64.powi(e)
    } else {
        k / 10f64.powi(-e)
    }
}

/// The roundest number `x` with `a ≤ x < b` (`a < b`): the coarsest step of the series
/// …, 100, 50, 10, 5, 1, 0.5, … that has a multiple in the gap (0 is the roundest of all), and
/// of those multiples the one nearest `near` (`a ≤ near ≤ b`).
fn nice_between(a: f64, b: f64, near: f64) -> f64 {
    let top = a.abs().max(b.abs()).log10().floor() as i32;
    for e in (top - 16..=top + 1).rev() {
        // The step m × 10^e: first 10^e, then 5 × 10^(e−1).
        for (m, e) in [(1.0, e), (5.0, e - 1)] {
            let u = decimal(m, e);
            let (lo, hi) = ((a / u).ceil(), (b / u).ceil() - 1.0);
            if lo > hi {
                continue;
            }
            let k = (near / u).round().clamp(lo, hi);
            for k in [k, k - 1.0, k + 1.0] {
                let x = decimal(k * m, e) + 0.0;
                if a <= x && x < b {
                    return x;
                }
            }
        }
    }
    a
}

/// The outer class bounds: `min` rounded down and `max` rounded up to a tenth of the order of
/// magnitude of `max − min` (so 3.27…47.9 gives 3…48, 112…296 gives 110…300).
fn outer_bounds(min: f64, max: f64) -> (f64, f64) {
    let span = max - min;
    if !span.is_finite() || span <= 0.0 {
        return (min, max);
    }
    let e = span.log10().floor() as i32 - 1;
    let u = decimal(1.0, e);
    let mut lo = (min / u).floor();
    let mut hi = (max / u).ceil();
    // Guard against the float error of the division: at most a step or two.
    for _ in 0..3 {
        if decimal(lo, e) > min {
            lo -= 1.0;
        }
        if decimal(hi, e) < max {
            hi += 1.0;
        }
    }
    let (l, h) = (decimal(lo, e) + 0.0, decimal(hi, e) + 0.0);
    (
        if l <= min { l } else { min },
        if h >= max { h } else { max },
    )
}

/// A number as people read it: the shortest decimal that gives the same `f64`, no exponent
/// (`30`, `0.25`, `1500000`).
fn show(x: f64) -> String {
    format!("{}", x + 0.0)
}

/// Escape text for an XML attribute value.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Well-formed enough: every `<tag …>` has its `</tag>` in order, `<…/>` closes itself.
    fn assert_balanced(xml: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = xml;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').unwrap() + start;
            let tag = &rest[start + 1..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') || tag.starts_with('?') {
                continue;
            }
            assert!(!tag.contains('<'), "unescaped < in {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "closing {name}");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap();
                stack.push(name.to_string());
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        // Attribute quotes are balanced on every line.
        for line in xml.lines().skip(1) {
            assert_eq!(line.matches('"').count() % 2, 0, "{line}");
        }
    }

    fn ranges(xml: &str) -> Vec<(f64, f64, String)> {
        xml.lines()
            .filter(|l| l.trim_start().starts_with("<range "))
            .map(|l| {
                let attr = |k: &str| {
                    let s = l.split(&format!(" {k}=\"")).nth(1).unwrap();
                    s[..s.find('"').unwrap()].to_string()
                };
                (
                    attr("lower").parse().unwrap(),
                    attr("upper").parse().unwrap(),
                    attr("label"),
                )
            })
            .collect()
    }

    #[test]
    fn graduated_polygons_have_five_nice_quantile_classes() {
        // 59 travel times from 0 to 290 minutes (i × 5 − 0.3 × (i mod 3)), and two nulls.
        let values: Vec<Option<f64>> = (0..59)
            .map(|i| Some(f64::from(i) * 5.0 - 0.3 * f64::from(i % 3)))
            .chain([None, None])
            .collect();
        let xml = graduated(
            GeomKind::Polygon,
            "t_chengdu_min",
            &values,
            true,
            "name_zh",
            "min",
        );
        assert_balanced(&xml);
        assert!(xml.starts_with("<!DOCTYPE qgis"));
        assert!(xml.contains(r#"type="graduatedSymbol" attr="t_chengdu_min""#));
        assert!(xml.contains(r#"<text-style fieldName="name_zh""#));
        assert!(xml.contains(r#"labelsEnabled="1""#));
        assert!(xml.contains("<layerGeometryType>2</layerGeometryType>"));
        assert_eq!(xml.matches(r#"<symbol type="fill""#).count(), 5);
        let r = ranges(&xml);
        assert_eq!(r.len(), 5);
        // Contiguous, covering every value, breaks round.
        assert_eq!(r[0].0, 0.0);
        assert_eq!(r[4].1, 290.0);
        for w in r.windows(2) {
            assert_eq!(w[0].1, w[1].0);
        }
        let breaks: Vec<f64> = r[..4].iter().map(|c| c.1).collect();
        assert_eq!(breaks, vec![50.0, 120.0, 170.0, 230.0]);
        assert_eq!(r[0].2, "0 – 50 min");
        // Every class holds about a fifth of the 59 values: each break is within 2 ranks
        // (59 / 20) of the exact quantile, so 11.8 ± 4 values.
        let xs: Vec<f64> = values.iter().flatten().copied().collect();
        let counts: Vec<usize> = r
            .iter()
            .enumerate()
            .map(|(i, (lo, hi, _))| {
                xs.iter()
                    .filter(|&&x| (*lo < x || (i == 0 && *lo == x)) && x <= *hi)
                    .count()
            })
            .collect();
        assert_eq!(counts, vec![11, 14, 10, 12, 12]);
        assert_eq!(counts.iter().sum::<usize>(), 59);
        // Low is good: the first class (short times) is the darkest colour.
        let first = xml.find(r#"name="color""#).unwrap();
        assert!(xml[first..].starts_with(r#"name="color" type="QString" value="37,52,148,255""#));
    }

    #[test]
    fn graduated_points_and_lines() {
        let values: Vec<Option<f64>> = (1..=100).map(|i| Some(f64::from(i) * 0.01)).collect();
        let pts = graduated(
            GeomKind::Point,
            "potential_pow1",
            &values,
            false,
            "name",
            "",
        );
        assert_balanced(&pts);
        assert!(pts.contains(r#"class="SimpleMarker""#));
        assert!(pts.contains("<layerGeometryType>0</layerGeometryType>"));
        let r = ranges(&pts);
        assert_eq!(r.len(), 5);
        assert_eq!(r[0].2, "0.01 – 0.2");
        assert_eq!(r[4].2, "0.8 – 1");
        let lines = graduated(GeomKind::Line, "flow", &values, false, "", "trips");
        assert_balanced(&lines);
        assert!(lines.contains(r#"labelsEnabled="0""#));
        assert!(!lines.contains("<labeling"));
        for w in LINE_WIDTHS {
            assert!(lines.contains(&format!(r#"name="line_width" type="QString" value="{w}""#)));
        }
    }

    #[test]
    fn few_or_no_values() {
        // Equal values: one class.
        let one = graduated(
            GeomKind::Polygon,
            "v",
            &[Some(3.0), Some(3.0)],
            false,
            "name",
            "",
        );
        assert_eq!(ranges(&one), vec![(3.0, 3.0, "3".to_string())]);
        // Two distinct values: two classes split between them.
        let two = ranges(&graduated(
            GeomKind::Polygon,
            "v",
            &[Some(1.0), Some(1.0), Some(1.0), Some(9.0)],
            false,
            "name",
            "",
        ));
        assert_eq!(two.len(), 2);
        assert!(two[0].1 >= 1.0 && two[0].1 < 9.0);
        // No finite value: a single-symbol style, still valid, still labelled.
        let none = graduated(
            GeomKind::Polygon,
            "v",
            &[None, Some(f64::NAN)],
            false,
            "name",
            "min",
        );
        assert_balanced(&none);
        assert!(none.contains(r#"type="singleSymbol""#));
        assert!(none.contains(r#"fieldName="name""#));
    }

    #[test]
    fn class_breaks_are_deterministic_and_round() {
        let mid = |a: f64, b: f64| a / 2.0 + b / 2.0;
        assert_eq!(nice_between(3.2, 48.0, mid(3.2, 48.0)), 30.0);
        assert_eq!(nice_between(0.0, 5.0, mid(0.0, 5.0)), 0.0);
        assert_eq!(nice_between(54.4, 60.0, mid(54.4, 60.0)), 55.0);
        assert_eq!(nice_between(1.0, 5.0, mid(1.0, 5.0)), 3.0);
        assert_eq!(nice_between(27.31, 27.38, mid(27.31, 27.38)), 27.35);
        assert_eq!(nice_between(0.123, 0.125, mid(0.123, 0.125)), 0.124);
        assert_eq!(nice_between(-7.0, 5.0, mid(-7.0, 5.0)), 0.0);
        assert_eq!(nice_between(1.0, 1.0 + 1e-15, mid(1.0, 1.0 + 1e-15)), 1.0);
        assert_eq!(outer_bounds(3.27, 47.9), (3.0, 48.0));
        assert_eq!(outer_bounds(112.0, 296.0), (110.0, 300.0));
        assert_eq!(outer_bounds(0.31, 0.69), (0.31, 0.69));
        assert_eq!(outer_bounds(0.314, 0.687), (0.31, 0.69));
        let v: Vec<Option<f64>> = [5.0, 1.0, 4.0, 2.0, 3.0, 8.0, 7.0, 6.0, 9.0, 10.0]
            .into_iter()
            .map(Some)
            .collect();
        let a = quantile_classes(&v, 5);
        let mut rev = v.clone();
        rev.reverse();
        assert_eq!(a, quantile_classes(&rev, 5));
        let bounds: Vec<f64> = std::iter::once(a[0].lower)
            .chain(a.iter().map(|c| c.upper))
            .collect();
        // Two values per class; a break equal to a value puts that value in the lower class.
        assert_eq!(bounds, vec![1.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    }

    #[test]
    fn categorized_lists_each_value() {
        let bands: Vec<(String, String)> = [30, 60, 90, 120]
            .iter()
            .map(|b| (b.to_string(), format!("≤ {b} min")))
            .collect();
        let xml = categorized(GeomKind::Polygon, "band_min", &bands, Some("name"));
        assert_balanced(&xml);
        assert!(xml.contains(r#"type="categorizedSymbol" attr="band_min""#));
        assert!(
            xml.contains(r#"<category value="60" symbol="1" label="≤ 60 min" render="true"/>"#)
        );
        assert_eq!(xml.matches("<symbol ").count(), 4);
        assert!(xml.contains(r#"value="27,158,119,153""#));
        // Special characters are escaped.
        let odd = vec![("a&b".to_string(), "<\"x\">".to_string())];
        let xml = categorized(GeomKind::Line, "mode", &odd, None);
        assert_balanced(&xml);
        assert!(xml.contains(r#"value="a&amp;b" symbol="0" label="&lt;&quot;x&quot;&gt;""#));
        assert!(xml.contains(r#"labelsEnabled="0""#));
    }
}
