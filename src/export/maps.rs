//! The report's own maps: SVG drawn here from the run's layers, with no fonts, scripts or
//! anything else from outside, so they show in any browser and in Markdown viewers.
//!
//! Each map has a title, a legend with units, a scale bar and a north arrow; the map is drawn
//! in the UTM zone of the region's centre ([`Utm`], the projection of the QGIS project too), so
//! north is up and a kilometre is a kilometre everywhere on the map (to within a fraction of a
//! percent over a few hundred kilometres). Text uses a list of font families with Chinese
//! glyphs first, so `name_zh` renders wherever the reader has a CJK font.
//!
//! The maps draw the features of the layers the run wrote (read back from their GeoJSON), with
//! the same classes and colours as the layers' QGIS styles: WATT by unit, each core's
//! travel-time rings, the transport links by mode, the strongest linkages as desire lines and
//! the corridor.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::export::layers::{self, LayerInfo, label_field};
use crate::export::qml::{FONT_FAMILIES, Renderer, Rgb, Style, Symbol};
use crate::export::report::tr;
use crate::export::write::Outputs;
use crate::model::{Lang, Mode};

/// A UTM zone on WGS 84 (EPSG:326zz north, 327zz south).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utm {
    /// Zone 1–60.
    pub zone: u32,
    /// Northern hemisphere.
    pub north: bool,
}

impl Utm {
    /// The zone of a point.
    pub fn for_centre(lon: f64, lat: f64) -> Utm {
        let z = ((lon + 180.0) / 6.0).floor() as i64;
        Utm {
            zone: (z.clamp(0, 59) + 1) as u32,
            north: lat >= 0.0,
        }
    }

    /// `EPSG:32648`.
    pub fn authid(&self) -> String {
        format!(
            "EPSG:{}{:02}",
            if self.north { 326 } else { 327 },
            self.zone
        )
    }

    /// The PROJ string.
    pub fn proj4(&self) -> String {
        format!(
            "+proj=utm +zone={}{} +datum=WGS84 +units=m +no_defs",
            self.zone,
            if self.north { "" } else { " +south" }
        )
    }

    /// `WGS 84 / UTM zone 48N`.
    pub fn description(&self) -> String {
        format!(
            "WGS 84 / UTM zone {}{}",
            self.zone,
            if self.north { "N" } else { "S" }
        )
    }

    /// Easting and northing (metres) of a WGS 84 longitude/latitude (degrees): the transverse
    /// Mercator projection by Krüger's series to the third order in n (Karney 2011, eq. 35;
    /// sub-millimetre within the zone and a few zones around it).
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let a = 6_378_137.0_f64;
        let f = 1.0 / 298.257_223_563;
        let n = f / (2.0 - f);
        let big_a = a / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);
        let alpha = [
            n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0,
            13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0,
            61.0 * n.powi(3) / 240.0,
        ];
        let lon0 = f64::from(self.zone) * 6.0 - 183.0;
        let (phi, lam) = (lat.to_radians(), (lon - lon0).to_radians());
        let e2n = 2.0 * n.sqrt() / (1.0 + n);
        let t = (phi.sin().atanh() - e2n * (e2n * phi.sin()).atanh()).sinh();
        let xi = t.atan2(lam.cos());
        let eta = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
        let (mut x, mut y) = (eta, xi);
        for (j, a) in alpha.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            x += a * (k * xi).cos() * (k * eta).sinh();
            y += a * (k * xi).sin() * (k * eta).cosh();
        }
        let k0 = 0.9996;
        (
            500_000.0 + k0 * big_a * x,
            (if self.north { 0.0 } else { 10_000_000.0 }) + k0 * big_a * y,
        )
    }

    /// The projected extent of a lon/lat box (its edges sampled), padded by 4 % on each side.
    pub fn extent(&self, bbox: [f64; 4]) -> (f64, f64, f64, f64) {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for i in 0..=20 {
            let t = f64::from(i) / 20.0;
            let lon = bbox[0] + t * (bbox[2] - bbox[0]);
            let lat = bbox[1] + t * (bbox[3] - bbox[1]);
            for (lo, la) in [
                (lon, bbox[1]),
                (lon, bbox[3]),
                (bbox[0], lat),
                (bbox[2], lat),
            ] {
                let (x, y) = self.project(lo, la);
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
        }
        let (px, py) = ((x1 - x0) * 0.04, (y1 - y0) * 0.04);
        (x0 - px, y0 - py, x1 + px, y1 + py)
    }
}

/// A map the report shows: its file, its title and the SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The file beside the report (`map_watt.svg`).
    pub file: String,
    /// The title (also the image's alternative text).
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// A feature read back from a layer: its properties and its rings or line in lon/lat.
struct Feature {
    props: Map<String, Value>,
    /// Polygons: rings (each a closed list); lines: one list; points: one position.
    parts: Vec<Vec<(f64, f64)>>,
}

/// The features of `<name>.geojson` in `out`.
fn features(out: &Outputs, name: &str) -> Vec<Feature> {
    let file = format!("{name}.geojson");
    let Some(f) = out.files.iter().find(|f| f.name == file) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_slice::<Value>(&f.bytes) else {
        return Vec::new();
    };
    let pos =
        |p: &Value| -> Option<(f64, f64)> { Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)) };
    let line = |l: &Value| -> Vec<(f64, f64)> {
        l.as_array()
            .map(|a| a.iter().filter_map(pos).collect())
            .unwrap_or_default()
    };
    v["features"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| {
                    let g = &f["geometry"];
                    let c = &g["coordinates"];
                    let parts = match g["type"].as_str() {
                        Some("Point") => pos(c).into_iter().map(|p| vec![p]).collect(),
                        Some("LineString") => vec![line(c)],
                        Some("Polygon") => c.as_array().into_iter().flatten().map(line).collect(),
                        Some("MultiPolygon") => c
                            .as_array()
                            .into_iter()
                            .flatten()
                            .flat_map(|p| p.as_array().into_iter().flatten().map(line))
                            .collect(),
                        _ => Vec::new(),
                    };
                    Feature {
                        props: f["properties"].as_object().cloned().unwrap_or_default(),
                        parts,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The map's frame: projection, scale and layout.
struct Frame {
    utm: Utm,
    x0: f64,
    y1: f64,
    scale: f64,
    /// The map area, px.
    w: f64,
    h: f64,
    /// The map area's top (below the title).
    top: f64,
}

/// SVG width and the legend column's width, px.
const WIDTH: f64 = 860.0;
const LEGEND_W: f64 = 250.0;
const TITLE_H: f64 = 44.0;
const FOOT_H: f64 = 26.0;

impl Frame {
    fn new(bbox: [f64; 4]) -> Frame {
        let utm = Utm::for_centre((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0);
        let (x0, y0, x1, y1) = utm.extent(bbox);
        let w = WIDTH - LEGEND_W;
        let scale = w / (x1 - x0);
        let h = ((y1 - y0) * scale).clamp(320.0, 760.0);
        Frame {
            utm,
            x0,
            y1,
            scale,
            w,
            h,
            top: TITLE_H,
        }
    }

    fn px(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        let (x, y) = self.utm.project(lon, lat);
        (
            (x - self.x0) * self.scale,
            self.top + (self.y1 - y) * self.scale,
        )
    }

    fn height(&self) -> f64 {
        self.top + self.h + FOOT_H
    }

    /// An SVG path of rings (even-odd fill), vertices closer than 0.4 px to the last kept one
    /// dropped.
    fn rings_path(&self, parts: &[Vec<(f64, f64)>]) -> String {
        let mut d = String::new();
        for ring in parts {
            let pts = self.thin(ring);
            if pts.len() < 3 {
                continue;
            }
            for (i, (x, y)) in pts.iter().enumerate() {
                let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y);
            }
            d.push('Z');
        }
        d
    }

    fn thin(&self, ring: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(ring.len());
        for p in ring {
            let q = self.px(*p);
            if out
                .last()
                .is_none_or(|l| (l.0 - q.0).abs() + (l.1 - q.1).abs() >= 0.4)
            {
                out.push(q);
            }
        }
        out
    }
}

fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `font-family` list of every map: CJK fonts first, then generic sans-serif.
pub fn font_family() -> String {
    let mut v: Vec<String> = FONT_FAMILIES
        .iter()
        .filter(|f| **f != "Sans Serif")
        .map(|f| format!("'{f}'"))
        .collect();
    v.extend(["Arial".to_string(), "sans-serif".to_string()]);
    v.join(", ")
}

/// A map being drawn.
struct Svg {
    frame: Frame,
    body: String,
    legend: Vec<LegendItem>,
    legend_title: String,
    labels: Vec<(f64, f64, f64, f64)>,
}

enum LegendItem {
    Box(Rgb, Option<Rgb>, String),
    Line(Rgb, f64, String),
    Dot(Rgb, f64, String),
    Note(String),
}

impl Svg {
    fn new(bbox: [f64; 4], legend_title: String) -> Svg {
        Svg {
            frame: Frame::new(bbox),
            body: String::new(),
            legend: Vec::new(),
            legend_title,
            labels: Vec::new(),
        }
    }

    fn polygon(&mut self, parts: &[Vec<(f64, f64)>], fill: Option<Rgb>, stroke: Rgb, sw: f64) {
        let d = self.frame.rings_path(parts);
        if d.is_empty() {
            return;
        }
        let _ = writeln!(
            self.body,
            r#"<path d="{d}" fill="{}" fill-rule="evenodd" stroke="{}" stroke-width="{sw}" stroke-linejoin="round"/>"#,
            fill.map_or("none".into(), hex),
            hex(stroke)
        );
    }

    /// A straight line between two positions, offset `off` px to the left of its direction.
    fn line(&mut self, a: (f64, f64), b: (f64, f64), colour: Rgb, width: f64, off: f64) {
        let (p, q) = (self.frame.px(a), self.frame.px(b));
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        // Left of the direction on screen (y down): (dy, -dx) / len.
        let (ox, oy) = (dy / len * off, -dx / len * off);
        let _ = writeln!(
            self.body,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="{width}" stroke-linecap="round"/>"#,
            p.0 + ox,
            p.1 + oy,
            q.0 + ox,
            q.1 + oy,
            hex(colour)
        );
    }

    fn dot(&mut self, at: (f64, f64), r: f64, fill: Rgb) {
        let p = self.frame.px(at);
        let _ = writeln!(
            self.body,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{r}" fill="{}" stroke="#ffffff" stroke-width="1"/>"##,
            p.0,
            p.1,
            hex(fill)
        );
    }

    /// A place name right of (or left of, when that is free) a position, with a white halo;
    /// skipped when it would overlap a name already placed or leave the map.
    fn label(&mut self, at: (f64, f64), text: &str, size: f64, bold: bool) {
        let p = self.frame.px(at);
        let w: f64 = text
            .chars()
            .map(|c| if c.is_ascii() { 0.58 } else { 1.0 })
            .sum::<f64>()
            * size;
        let h = size * 1.1;
        for (x, anchor) in [(p.0 + 4.0, "start"), (p.0 - 4.0, "end")] {
            let bx = if anchor == "start" { x } else { x - w };
            let b = (bx, p.1 - h * 0.75, bx + w, p.1 + h * 0.35);
            let inside = b.0 >= 0.0
                && b.2 <= self.frame.w
                && b.1 >= self.frame.top
                && b.3 <= self.frame.top + self.frame.h;
            let free = self
                .labels
                .iter()
                .all(|o| b.2 < o.0 || b.0 > o.2 || b.3 < o.1 || b.1 > o.3);
            if inside && free {
                self.labels.push(b);
                let _ = writeln!(
                    self.body,
                    r##"<text x="{x:.1}" y="{:.1}" font-size="{size}" text-anchor="{anchor}"{} fill="#1e1e1e" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
                    p.1 + size * 0.35,
                    if bold { r#" font-weight="bold""# } else { "" },
                    esc(text)
                );
                return;
            }
        }
    }

    /// The finished SVG: title, map, north arrow, scale bar, legend, footnote.
    fn finish(self, title: &str, note: &str, lang: Lang) -> String {
        let f = &self.frame;
        let (w, h) = (WIDTH, f.height());
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h:.0}\" viewBox=\"0 0 {w} {h:.0}\" font-family=\"{}\" font-size=\"12\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n<rect width=\"{w}\" height=\"{h:.0}\" fill=\"#ffffff\"/>\n",
            font_family(),
            esc(title),
            esc(title)
        );
        // The map, then white over everything outside its frame: that clips it the same in
        // every viewer (Qt's SVG renderer, used by many previewers, scales a nested <svg> and
        // knows no clipPath).
        s.push_str("<g>\n");
        s.push_str(&self.body);
        s.push_str("</g>\n");
        let _ = writeln!(
            s,
            r##"<path d="M0 0H{w}V{h:.1}H0Z M0 {:.1}V{:.1}H{:.1}V{:.1}Z" fill="#ffffff" fill-rule="evenodd"/>"##,
            f.top,
            f.top + f.h,
            f.w,
            f.top
        );
        let _ = writeln!(
            s,
            r##"<text x="12" y="28" font-size="18" font-weight="bold" fill="#111111">{}</text>"##,
            esc(title)
        );
        let _ = writeln!(
            s,
            r##"<rect x="0.5" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="#999999"/>"##,
            f.top + 0.5,
            f.w - 1.0,
            f.h - 1.0
        );
        // North arrow, top right of the map.
        let (nx, ny) = (f.w - 30.0, f.top + 16.0);
        let _ = writeln!(
            s,
            r##"<g><polygon points="{nx},{ny} {},{} {nx},{} {},{}" fill="#222222"/><text x="{nx}" y="{}" font-size="13" font-weight="bold" text-anchor="middle" fill="#222222">N</text></g>"##,
            nx - 8.0,
            ny + 24.0,
            ny + 18.0,
            nx + 8.0,
            ny + 24.0,
            ny + 38.0
        );
        // Scale bar, bottom left: a round length of about a quarter of the map width.
        let km_per_px = 1.0 / f.scale / 1000.0;
        let target = f.w * 0.25 * km_per_px;
        let nice = [
            10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0,
        ]
        .into_iter()
        .rev()
        .find(|&k| k <= target)
        .unwrap_or(5.0);
        let len = nice / km_per_px;
        let (sx, sy) = (14.0, f.top + f.h - 18.0);
        let _ = writeln!(
            s,
            r##"<g><rect x="{sx}" y="{sy}" width="{:.1}" height="6" fill="#ffffff" stroke="#222222"/><rect x="{sx}" y="{sy}" width="{:.1}" height="6" fill="#222222"/><text x="{sx}" y="{}" font-size="11" fill="#222222">0</text><text x="{:.1}" y="{}" font-size="11" text-anchor="middle" fill="#222222">{} km</text></g>"##,
            len,
            len / 2.0,
            sy - 4.0,
            sx + len,
            sy - 4.0,
            nice
        );
        // Legend.
        let lx = f.w + 16.0;
        let mut ly = f.top + 14.0;
        let _ = writeln!(
            s,
            r##"<text x="{lx}" y="{ly}" font-size="13" font-weight="bold" fill="#111111">{}</text>"##,
            esc(&self.legend_title)
        );
        ly += 12.0;
        for item in &self.legend {
            ly += 20.0;
            let text_x = lx + 30.0;
            match item {
                LegendItem::Box(fill, stroke, t) => {
                    let _ = writeln!(
                        s,
                        r##"<rect x="{lx}" y="{:.1}" width="22" height="14" fill="{}" stroke="{}" stroke-width="{}"/><text x="{text_x}" y="{:.1}">{}</text>"##,
                        ly - 11.0,
                        hex(*fill),
                        hex(stroke.unwrap_or((110, 110, 110))),
                        if stroke.is_some() { 2 } else { 1 },
                        ly,
                        esc(t)
                    );
                }
                LegendItem::Line(c, wdt, t) => {
                    let _ = writeln!(
                        s,
                        r##"<line x1="{lx}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="{}" stroke-width="{wdt}" stroke-linecap="round"/><text x="{text_x}" y="{:.1}">{}</text>"##,
                        ly - 4.0,
                        lx + 22.0,
                        ly - 4.0,
                        hex(*c),
                        ly,
                        esc(t)
                    );
                }
                LegendItem::Dot(c, r, t) => {
                    let _ = writeln!(
                        s,
                        r##"<circle cx="{}" cy="{:.1}" r="{r}" fill="{}" stroke="#ffffff"/><text x="{text_x}" y="{:.1}">{}</text>"##,
                        lx + 11.0,
                        ly - 4.0,
                        hex(*c),
                        ly,
                        esc(t)
                    );
                }
                LegendItem::Note(t) => {
                    for line in wrap(t, 34) {
                        let _ = writeln!(
                            s,
                            r##"<text x="{lx}" y="{:.1}" font-size="11" fill="#555555">{}</text>"##,
                            ly,
                            esc(&line)
                        );
                        ly += 14.0;
                    }
                    ly -= 14.0;
                }
            }
        }
        let foot = format!(
            "{} · {}",
            tr(
                lang,
                &format!("{}; north is up", f.utm.description()),
                &format!("{}; 上北下南", f.utm.description())
            ),
            note
        );
        let _ = writeln!(
            s,
            r##"<text x="12" y="{:.1}" font-size="10.5" fill="#555555">{}</text>"##,
            f.top + f.h + 17.0,
            esc(&foot)
        );
        s.push_str("</svg>\n");
        s
    }
}

/// Split text into lines of at most `n` characters at spaces (CJK text: every `n` characters).
fn wrap(t: &str, n: usize) -> Vec<String> {
    // Columns: a CJK character is about two Latin ones wide.
    let cols = |s: &str| -> usize { s.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum() };
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in t.split(' ') {
        if !cur.is_empty() && cols(&cur) + 1 + cols(word) > n {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        // A word too long for a line (Chinese has no spaces): break it at n columns.
        while cols(&cur) > n + 4 {
            let mut head = String::new();
            let mut rest = cur.chars().peekable();
            while let Some(&c) = rest.peek() {
                if cols(&head) + cols(c.encode_utf8(&mut [0; 4])) > n {
                    break;
                }
                head.push(c);
                rest.next();
            }
            lines.push(head);
            cur = rest.collect();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The symbol of a graduated or categorised style for a feature's properties (`None`: not
/// drawn by the style, or a rule-based style).
fn symbol_for<'a>(style: &'a Style, props: &Map<String, Value>) -> Option<&'a Symbol> {
    match &style.renderer {
        Renderer::Single(s) => Some(s),
        Renderer::Graduated { field, classes, .. } => {
            let v = props.get(field)?.as_f64()?;
            classes
                .iter()
                .enumerate()
                .find(|(i, c)| (v > c.lower || (*i == 0 && v >= c.lower)) && v <= c.upper)
                .or_else(|| classes.iter().enumerate().find(|(_, c)| v == c.lower))
                .map(|(_, c)| &c.symbol)
        }
        Renderer::Categorized { field, categories } => {
            let v = props.get(field)?;
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n
                    .as_f64()
                    .map(|x| format!("{x}"))
                    .unwrap_or_else(|| n.to_string()),
                _ => return None,
            };
            categories
                .iter()
                .find(|c| c.value == text)
                .map(|c| &c.symbol)
        }
        Renderer::Rules { .. } => None,
    }
}

fn legend_from(style: &Style, swatch: impl Fn(&Symbol, String) -> LegendItem) -> Vec<LegendItem> {
    style
        .legend()
        .into_iter()
        .map(|(t, s)| swatch(s, t.to_string()))
        .collect()
}

fn fill_of(s: &Symbol) -> Rgb {
    s.colour()
}

/// What the maps need to know about the run besides the layers.
#[derive(Debug, Clone)]
pub struct MapContext<'a> {
    /// The region's bounding box `[min lon, min lat, max lon, max lat]`.
    pub bbox: [f64; 4],
    /// The language of titles, legends and names.
    pub lang: Lang,
    /// The cores' names (in `lang`) and the seats of their first units.
    pub cores: Vec<(String, (f64, f64))>,
    /// Each core's first unit's code and the core's name (in `lang`): a core is named once,
    /// there; its other units are drawn without a name.
    pub core_units: Vec<(String, String)>,
    /// The bands, minutes.
    pub bands: &'a [f64],
    /// A short source note for the footer.
    pub source: String,
    /// The mass of the gravity linkage.
    pub mass: crate::model::Mass,
}

/// The report's maps from the layers of a run.
pub fn figures(out: &Outputs, layers: &[LayerInfo], ctx: &MapContext<'_>) -> Vec<Figure> {
    let lang = ctx.lang;
    let has = |n: &str| layers.iter().find(|l| l.name == n);
    let units = features(out, "units");
    let seats = features(out, "seats");
    let mut figs = Vec::new();
    let base = |svg: &mut Svg, fill: Rgb| {
        for u in &units {
            svg.polygon(&u.parts, Some(fill), (255, 255, 255), 0.6);
        }
    };
    let names = |svg: &mut Svg, only_roles: bool| {
        let mut order: Vec<&Feature> = seats.iter().collect();
        let rank = |f: &Feature| match f.props.get("role").and_then(Value::as_str) {
            Some("core") => 0,
            Some("other") | None => 2,
            _ => 1,
        };
        order.sort_by_key(|f| rank(f));
        for f in order {
            let r = rank(f);
            if only_roles && r == 2 {
                continue;
            }
            let Some(&p) = f.parts.first().and_then(|p| p.first()) else {
                continue;
            };
            svg.dot(p, [4.0, 3.0, 2.0][r], (40, 40, 40));
            let code = f.props.get("code").and_then(Value::as_str).unwrap_or("");
            let core_name = ctx.core_units.iter().find(|(c, _)| c == code);
            let text = match (r, core_name) {
                (_, Some((_, name))) => name.as_str(),
                (0, None) if !ctx.core_units.is_empty() => continue,
                _ => f
                    .props
                    .get(label_field(lang))
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            };
            svg.label(p, text, [13.0, 11.0, 9.5][r], r == 0);
        }
    };
    let place_legend = |svg: &mut Svg| {
        svg.legend.push(LegendItem::Dot(
            (40, 40, 40),
            4.0,
            tr(lang, "core (seat)", "核心 (驻地)"),
        ));
        svg.legend.push(LegendItem::Dot(
            (40, 40, 40),
            3.0,
            tr(lang, "centre of the study (seat)", "研究设定的中心 (驻地)"),
        ));
    };
    // WATT by unit.
    if let Some(info) = has("units") {
        let mut svg = Svg::new(ctx.bbox, tr(lang, "WATT (minutes)", "WATT (分钟)"));
        for u in &units {
            let fill = symbol_for(&info.style, &u.props).map_or((230, 230, 230), fill_of);
            svg.polygon(&u.parts, Some(fill), (255, 255, 255), 0.6);
        }
        names(&mut svg, true);
        svg.legend = legend_from(&info.style, |s, t| LegendItem::Box(fill_of(s), None, t));
        place_legend(&mut svg);
        svg.legend.push(LegendItem::Note(tr(
            lang,
            "WATT: the population-weighted average travel time from the unit to every other unit. Darker = better connected.",
            "WATT：从该单元到其他所有单元按人口加权的平均出行时间。颜色越深，联系越便捷。",
        )));
        let title = tr(
            lang,
            "Weighted average travel time (WATT) by unit",
            "各单元加权平均出行时间 (WATT)",
        );
        figs.push(Figure {
            file: "map_watt.svg".into(),
            svg: svg.finish(&title, &ctx.source, lang),
            title,
        });
    }
    // Each core's rings.
    for info in layers.iter().filter(|l| l.name.starts_with("isochrones_")) {
        let rings = features(out, &info.name);
        let Some(core) = rings
            .first()
            .and_then(|r| r.props.get("core").and_then(Value::as_str))
        else {
            continue;
        };
        let core_label = ctx
            .cores
            .iter()
            .find(|(n, _)| n == core)
            .map(|c| c.0.clone())
            .unwrap_or_else(|| info.title.clone());
        let mut svg = Svg::new(
            ctx.bbox,
            tr(lang, "Travel time (minutes)", "出行时间 (分钟)"),
        );
        base(&mut svg, (235, 235, 235));
        for r in &rings {
            if let Some(s) = symbol_for(&info.style, &r.props) {
                svg.polygon(&r.parts, Some(fill_of(s)), (255, 255, 255), 0.4);
            }
        }
        for u in &units {
            svg.polygon(&u.parts, None, (255, 255, 255), 0.5);
        }
        names(&mut svg, true);
        svg.legend = legend_from(&info.style, |s, t| LegendItem::Box(fill_of(s), None, t));
        let last = ctx.bands.last().copied().unwrap_or_default();
        svg.legend.push(LegendItem::Box(
            (235, 235, 235),
            None,
            tr(
                lang,
                &format!("more than {last} min"),
                &format!("超过 {last} 分钟"),
            ),
        ));
        place_legend(&mut svg);
        svg.legend.push(LegendItem::Note(tr(
            lang,
            "Rings: the units first reached within each band, from the nearest unit of the core, on the combined network.",
            "圈层：从核心最近的单元出发，在综合网络上于各时段内首次到达的单元。",
        )));
        let title = info.title.clone();
        let _ = core_label;
        figs.push(Figure {
            file: format!("map_{}.svg", info.name),
            svg: svg.finish(&title, &ctx.source, lang),
            title,
        });
    }
    // The network by mode.
    if has("links").is_some() {
        let links = features(out, "links");
        let mut svg = Svg::new(ctx.bbox, tr(lang, "Links by mode", "线路方式"));
        base(&mut svg, (242, 242, 242));
        let look = |f: &Feature| {
            let mode = f
                .props
                .get("mode")
                .and_then(Value::as_str)
                .and_then(Mode::parse)?;
            let generated = f.props.get("generated").and_then(Value::as_i64) == Some(1);
            Some(layers::mode_look(mode, generated, lang))
        };
        let mut drawn: Vec<(u32, &Feature)> = links
            .iter()
            .filter_map(|f| look(f).map(|l| (l.2, f)))
            .collect();
        drawn.sort_by_key(|(pass, _)| *pass);
        let px_per_mm = 2.4;
        for (_, f) in &drawn {
            let Some((colour, width, _, _)) = look(f) else {
                continue;
            };
            let Some(l) = f.parts.first().filter(|l| l.len() >= 2) else {
                continue;
            };
            let off = f
                .props
                .get("offset_mm")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            svg.line(
                l[0],
                l[l.len() - 1],
                colour,
                width * px_per_mm,
                off * px_per_mm,
            );
        }
        names(&mut svg, true);
        let mut seen = Vec::new();
        for (_, f) in drawn.iter().rev() {
            if let Some((c, w, _, t)) = look(f)
                && !seen.contains(&t)
            {
                seen.push(t.clone());
                svg.legend.push(LegendItem::Line(c, w * px_per_mm, t));
            }
        }
        place_legend(&mut svg);
        svg.legend.push(LegendItem::Note(tr(
            lang,
            "Links are drawn seat to seat; links between the same two seats side by side.",
            "线路按驻地间直线绘制；同一对驻地间的多条线路并排绘制。",
        )));
        let title = tr(lang, "The transport network", "交通网络");
        figs.push(Figure {
            file: "map_links.svg".into(),
            svg: svg.finish(&title, &ctx.source, lang),
            title,
        });
    }
    // The strongest linkages.
    if let Some(info) = has("linkage") {
        let lines = features(out, "linkage");
        let mut svg = Svg::new(ctx.bbox, tr(lang, "Gravity linkage R", "引力联系 R"));
        base(&mut svg, (238, 238, 238));
        let mut ordered: Vec<&Feature> = lines.iter().collect();
        ordered.reverse(); // the strongest last, on top
        for f in ordered {
            let Some(Symbol::Line {
                colour, width_mm, ..
            }) = symbol_for(&info.style, &f.props)
            else {
                continue;
            };
            if let Some(l) = f.parts.first().filter(|l| l.len() >= 2) {
                svg.line(l[0], l[l.len() - 1], *colour, width_mm * 2.4, 0.0);
            }
        }
        names(&mut svg, true);
        svg.legend = legend_from(&info.style, |s, t| match s {
            Symbol::Line {
                colour, width_mm, ..
            } => LegendItem::Line(*colour, width_mm * 2.4, t),
            s => LegendItem::Box(s.colour(), None, t),
        });
        place_legend(&mut svg);
        let (mass_en, mass_zh) = match ctx.mass {
            crate::model::Mass::Pop => ("population", "人口"),
            crate::model::Mass::Gdp => ("GDP", "GDP"),
            crate::model::Mass::PopGdp => ("√(GDP·population)", "√(GDP·人口)"),
        };
        svg.legend.push(LegendItem::Note(tr(
            lang,
            &format!(
                "Desire lines of the strongest gravity linkages R = M_i·M_j / T_ij^b ({mass_en} mass, network time)."
            ),
            &format!("最强引力联系的期望线 R = M_i·M_j / T_ij^b（{mass_zh}质量，网络时间）。"),
        )));
        let title = info.title.clone();
        figs.push(Figure {
            file: "map_linkage.svg".into(),
            svg: svg.finish(&title, &ctx.source, lang),
            title,
        });
    }
    // The corridor.
    if let Some(info) = has("corridor") {
        let cor = features(out, "corridor");
        let mut svg = Svg::new(ctx.bbox, tr(lang, "Position along the axis", "沿轴位置"));
        base(&mut svg, (238, 238, 238));
        for f in &cor {
            let fill = symbol_for(&info.style, &f.props).map_or((200, 200, 200), fill_of);
            svg.polygon(&f.parts, Some(fill), (255, 255, 255), 0.6);
        }
        // The corridor's ends in their cores' colours (named by `names`).
        for (i, (_, at)) in ctx.cores.iter().enumerate().take(2) {
            svg.dot(*at, 5.0, crate::export::qml::core_colour(i));
        }
        names(&mut svg, true);
        svg.legend = legend_from(&info.style, |s, t| LegendItem::Box(fill_of(s), None, t));
        svg.legend.push(LegendItem::Box(
            (238, 238, 238),
            None,
            tr(lang, "outside the corridor", "走廊以外"),
        ));
        place_legend(&mut svg);
        svg.legend.push(LegendItem::Note(tr(
            lang,
            "A unit is in the corridor when going through it costs at most ε more than the fastest core-to-core trip; position = T(first core → unit) / (T(first core → unit) + T(unit → second core)).",
            "若经由某单元的核心间出行时间不超过最快时间的 (1+ε) 倍，该单元属于走廊；位置 = T(核心1→单元) / (T(核心1→单元) + T(单元→核心2))。",
        )));
        let title = info.title.clone();
        figs.push(Figure {
            file: "map_corridor.svg".into(),
            svg: svg.finish(&title, &ctx.source, lang),
            title,
        });
    }
    figs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm_matches_known_points() {
        // Zone 48N (central meridian 105°E): the central meridian maps to 500 000 m, and
        // (105°E, 30°N) to k0 · 3 320 113.398 m (the meridian arc of WGS 84 at 30°)
        // = 3 318 785.353 m north. Reference values from PROJ (gdaltransform -s_srs EPSG:4326
        // -t_srs EPSG:32648).
        let z = Utm::for_centre(104.5, 30.0);
        assert_eq!(z.zone, 48);
        assert_eq!(z.authid(), "EPSG:32648");
        let (x, y) = z.project(105.0, 30.0);
        assert!((x - 500_000.0).abs() < 1e-6, "{x}");
        assert!((y - 3_318_785.353).abs() < 0.01, "{y}");
        // Chengdu (104.0657°E, 30.6595°N): PROJ gives 410 488.792 E, 3 392 239.153 N.
        let (x, y) = z.project(104.0657, 30.6595);
        assert!((x - 410_488.792).abs() < 0.01, "{x}");
        assert!((y - 3_392_239.153).abs() < 0.01, "{y}");
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        // Chinese (no spaces, two columns a character) breaks within the text.
        assert_eq!(
            wrap("圈层从核心最近的单元出发", 8),
            vec!["圈层从核", "心最近的", "单元出发"]
        );
    }
}
