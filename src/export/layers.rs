//! Results as map layers: which features, which properties, which style. Every function adds
//! `<name>.geojson` and `<name>.qml` to an [`Outputs`] (or says there why a layer is left out)
//! and returns a [`LayerInfo`] for each layer written, which the QGIS project and the
//! GeoPackage list.
//!
//! The styles follow one plan (README, "Opening the outputs in QGIS"):
//!
//! * **one label layer**: place names on `seats` only (`name`, or `name_zh` with
//!   [`Lang::Zh`]), larger for cores and named roles, dropped where they collide;
//! * **travel times in fixed minutes** (WATT by 10/15/20/30/60-minute steps, rings by band),
//!   **indices by natural breaks** ([`qml::natural_classes`]), the corridor position by fifths
//!   of the way; every class of a legend has features;
//! * **rings**: each core's bands as non-overlapping rings (0–60, 60–120, 120–180 min), dark
//!   near the core, one hue per core, one layer per core and a combined layer;
//! * **links by mode**: colour and width per mode, generated roads thin and grey, parallel links
//!   between the same seats offset side by side (`offset_mm`); line-name labels are set up but
//!   off (the label button shows them, merged per line, only where the line is long enough).

use geo::BooleanOps;

use crate::analysis::{Analysis, Linkage, Resilience};
use crate::error::Result;
use crate::export::geojson::Geom;
use crate::export::isochrone::{dissolve, finish_for_geojson};
use crate::export::qml::{
    self, Category, GeomKind, Labels, Renderer, Rgb, Rule, Style, Symbol, classes_from_bounds,
};
use crate::export::report::tr;
use crate::export::table::{Cell, Table};
use crate::export::tables::{column_values, unit_cells, unit_table};
use crate::export::write::Outputs;
use crate::measures::reach::{Totals, reach};
use crate::model::{Lang, Mode, Region, UnitId};

/// The group of a layer in the QGIS project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Places and unit borders (drawn on top).
    Base,
    /// The transport network.
    Network,
    /// The measures of the study.
    Measures,
    /// A scenario's differences.
    Scenario,
}

impl Group {
    /// The group's title.
    pub fn title(self, lang: Lang) -> String {
        match self {
            Group::Base => tr(lang, "Base", "底图"),
            Group::Network => tr(lang, "Network", "交通网络"),
            Group::Measures => tr(lang, "Measures", "指标"),
            Group::Scenario => tr(lang, "Scenario", "情景"),
        }
    }
}

/// A layer that was written: its file, title, geometry, style and place in a project.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerInfo {
    /// The file name without `.geojson` (also the GeoPackage table).
    pub name: String,
    /// The title shown in QGIS's layer list and in the report.
    pub title: String,
    /// The geometry.
    pub kind: GeomKind,
    /// The style (also in `<name>.qml`).
    pub style: Style,
    /// The project group.
    pub group: Group,
    /// Shown when the project opens.
    pub visible: bool,
}

/// `name` or `name_zh`: the label field of `lang`.
pub fn label_field(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "name",
        Lang::Zh => "name_zh",
    }
}

/// Add the layer and its style; the [`LayerInfo`] when it was written (not empty).
fn emit(
    out: &mut Outputs,
    name: &str,
    table: &Table,
    geoms: Vec<Geom>,
    info: (String, Style, Group, bool),
) -> Result<Option<LayerInfo>> {
    let (title, style, group, visible) = info;
    let kind = style.kind;
    let before = out.files.len();
    out.layer(name, table, geoms, style.to_qml())?;
    Ok((out.files.len() > before).then(|| LayerInfo {
        name: name.to_string(),
        title,
        kind,
        style,
        group,
        visible,
    }))
}

/// Every unit's polygon, or its seat for a point layer, and the kind for the style.
pub fn unit_geoms(region: &Region) -> (Vec<Geom>, GeomKind) {
    if region.has_polygons() {
        (
            region
                .units
                .iter()
                .map(|u| Geom::Polygon(u.geometry.clone().expect("has_polygons")))
                .collect(),
            GeomKind::Polygon,
        )
    } else {
        (
            region.units.iter().map(|u| Geom::Point(u.seat)).collect(),
            GeomKind::Point,
        )
    }
}

/// Minute steps of travel-time classes when [`MINUTE_LADDER`] gives too many: the finest that
/// gives at most 7 classes.
pub const MINUTE_STEPS: [f64; 7] = [10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 240.0];

/// Class bounds of travel times, minutes: quarter hours up to an hour, half hours up to three,
/// then whole hours (2 h, 2½ h, 3 h, 4 h, …): fine where most units are, coarse in the tail.
pub const MINUTE_LADDER: [f64; 22] = [
    0.0, 15.0, 30.0, 45.0, 60.0, 90.0, 120.0, 150.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0,
    600.0, 720.0, 900.0, 1080.0, 1440.0, 2160.0, 2880.0, 4320.0,
];

/// Fixed-minute classes of travel times: the stretch of [`MINUTE_LADDER`] that covers the
/// values (classes without a value left out), or equal steps of [`MINUTE_STEPS`] when that
/// stretch has more than 7 classes.
pub fn minute_classes(values: &[Option<f64>]) -> Vec<(f64, f64)> {
    let v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    let (Some(min), Some(max)) = (
        v.iter().copied().reduce(f64::min),
        v.iter().copied().reduce(f64::max),
    ) else {
        return Vec::new();
    };
    let lo = MINUTE_LADDER.iter().rposition(|&b| b <= min);
    let hi = MINUTE_LADDER.iter().position(|&b| b >= max);
    match (lo, hi) {
        (Some(lo), Some(hi)) if min < max && hi - lo <= 7 => qml::pairs(&MINUTE_LADDER[lo..=hi])
            .into_iter()
            .enumerate()
            .filter(|&(i, (a, b))| v.iter().any(|&x| (x > a || (i == 0 && x >= a)) && x <= b))
            .map(|(_, c)| c)
            .collect(),
        _ => qml::fixed_classes(values, &MINUTE_STEPS, 7),
    }
}

/// The WATT classes (fixed minutes, [`minute_classes`]; dark = short) of a layer of `kind`.
pub fn watt_style(kind: GeomKind, values: &[Option<f64>], lang: Lang) -> Style {
    let bounds = minute_classes(values);
    qml::graduated_style(
        kind,
        "watt_min",
        "Fixed",
        &bounds,
        true,
        &tr(lang, "min", "分钟"),
    )
}

/// A QGIS expression that is `core` for the cores' units, `named` for the other roles of the
/// study, `other` for the rest.
fn by_role(core: &str, named: &str, other: &str) -> String {
    format!(
        "CASE WHEN \"role\" = 'core' THEN {core} WHEN \"role\" <> 'other' THEN {named} ELSE {other} END"
    )
}

/// The place-name layer's style: dark seats, larger for cores and for the study's other roles,
/// and their names.
pub fn seats_style(lang: Lang, cores: &[(String, String)]) -> Style {
    let rule = |filter: &str, label: String, size_mm: f64| Rule {
        filter: filter.into(),
        label,
        symbol: Symbol::Marker {
            fill: (40, 40, 40),
            outline: (255, 255, 255),
            size_mm,
            size_expr: None,
        },
    };
    let rules = vec![
        rule("\"role\" = 'core'", tr(lang, "Core", "核心"), 3.2),
        rule(
            "\"role\" <> 'core' AND \"role\" <> 'other'",
            tr(
                lang,
                "Centre (a role of the study)",
                "中心 (研究设定的角色)",
            ),
            2.2,
        ),
        rule(
            "\"role\" = 'other'",
            tr(lang, "Other unit (seat)", "其他单元 (驻地)"),
            1.4,
        ),
    ];
    let mut s = Style::new(
        GeomKind::Point,
        Renderer::Rules {
            rules,
            levels: false,
        },
    );
    s.labels = Some(place_labels(lang, cores));
    s
}

/// Place names: 7–10 pt by role, cores first when labels collide. A core of several units is
/// named once, by the core's name at its first unit's seat (`cores`: that unit's code and the
/// core's name); its other units carry no label.
fn place_labels(lang: Lang, cores: &[(String, String)]) -> Labels {
    let field = label_field(lang);
    let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let (text, expression) = if cores.is_empty() {
        (field.to_string(), false)
    } else {
        let mut e = String::from("CASE");
        for (code, name) in cores {
            e.push_str(&format!(
                " WHEN \"code\" = {} THEN {}",
                quote(code),
                quote(name)
            ));
        }
        e.push_str(&format!(
            " WHEN \"role\" = 'core' THEN NULL ELSE \"{field}\" END"
        ));
        (e, true)
    };
    Labels {
        size_expr: Some(by_role("10", "8.5", "7")),
        priority_expr: Some(by_role("10", "8", "5")),
        expression,
        ..Labels::on(&text)
    }
}

/// `units` (polygons; left out for a point layer) and `seats` (points) with every per-unit
/// measure of `table`; `cores` (each core's first unit's code and the core's name in `lang`)
/// names each core once. Units are graduated on `watt_min` in fixed minutes without labels;
/// seats carry the place names (and WATT too when there are no polygons).
///
/// # Errors
/// See [`Outputs::layer`].
pub fn units_and_seats(
    out: &mut Outputs,
    region: &Region,
    table: &Table,
    lang: Lang,
    cores: &[(String, String)],
) -> Result<Vec<LayerInfo>> {
    let main_values = column_values(table, "watt_min");
    let mut info = Vec::new();
    if region.has_polygons() {
        let geoms = region
            .units
            .iter()
            .map(|u| Geom::Polygon(u.geometry.clone().expect("has_polygons checked")))
            .collect();
        let style = watt_style(GeomKind::Polygon, &main_values, lang);
        info.extend(emit(
            out,
            "units",
            table,
            geoms,
            (
                tr(
                    lang,
                    "Weighted average travel time (WATT) by unit",
                    "各单元加权平均出行时间 (WATT)",
                ),
                style,
                Group::Measures,
                true,
            ),
        )?);
    } else {
        out.skipped.push(
            "units.geojson: the units layer has no polygons (the seats layer has every measure)"
                .into(),
        );
    }
    let seat_geoms = region.units.iter().map(|u| Geom::Point(u.seat)).collect();
    let style = if region.has_polygons() {
        seats_style(lang, cores)
    } else {
        let mut s = watt_style(GeomKind::Point, &main_values, lang);
        s.labels = Some(place_labels(lang, cores));
        s
    };
    info.extend(emit(
        out,
        "seats",
        table,
        seat_geoms,
        (
            tr(lang, "Seats and names", "驻地与地名"),
            style,
            Group::Base,
            true,
        ),
    )?);
    Ok(info)
}

/// How a mode is drawn: colour, width (mm), drawing pass and legend text.
pub(crate) fn mode_look(mode: Mode, generated: bool, lang: Lang) -> (Rgb, f64, u32, String) {
    match (mode, generated) {
        (Mode::Hsr, _) => (
            (200, 16, 46),
            0.8,
            4,
            tr(lang, "High-speed rail", "高速铁路"),
        ),
        (Mode::Rail, _) => (
            (84, 39, 143),
            0.55,
            3,
            tr(lang, "Conventional rail", "普速铁路"),
        ),
        (Mode::Expressway, _) => ((35, 139, 69), 0.55, 2, tr(lang, "Expressway", "高速公路")),
        (Mode::Road, false) => ((99, 99, 99), 0.35, 1, tr(lang, "Road", "公路")),
        (Mode::Road, true) => (
            (175, 175, 175),
            0.2,
            0,
            tr(lang, "Generated road link", "相邻单元间公路 (生成)"),
        ),
    }
}

/// Gap between the centre lines of parallel links, mm.
pub const PARALLEL_GAP_MM: f64 = 0.8;

/// The offset (mm, left of the line's direction) of each link so that links between the same
/// two units lie side by side: the k-th of n such links (ordered by mode, HSR first, then by
/// id) sits (k − (n−1)/2) gaps from the centre, measured along the direction from the smaller
/// unit id to the larger (so the sign flips for a link written the other way).
pub fn parallel_offsets(ends: &[(UnitId, UnitId, Mode, &str)]) -> Vec<f64> {
    let mode_rank = |m: Mode| Mode::ALL.iter().position(|x| *x == m).unwrap_or(0);
    let key = |(a, b): (UnitId, UnitId)| if a <= b { (a, b) } else { (b, a) };
    let mut groups: std::collections::BTreeMap<(UnitId, UnitId), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, (a, b, _, _)) in ends.iter().enumerate() {
        groups.entry(key((*a, *b))).or_default().push(i);
    }
    let mut off = vec![0.0; ends.len()];
    for members in groups.values_mut() {
        members.sort_by(|&i, &j| {
            mode_rank(ends[i].2)
                .cmp(&mode_rank(ends[j].2))
                .then(ends[i].3.cmp(ends[j].3))
        });
        let n = members.len() as f64;
        for (k, &i) in members.iter().enumerate() {
            let o = (k as f64 - (n - 1.0) / 2.0) * PARALLEL_GAP_MM;
            let forward = ends[i].0 <= ends[i].1;
            off[i] = if forward { o } else { -o } + 0.0;
        }
    }
    off
}

/// The links style: rules by mode (generated roads thin and grey), offsets from `offset_mm`,
/// symbol levels so HSR is drawn over rail over expressways over roads; line-name labels set up
/// but off.
pub fn links_style(modes: &[(Mode, bool)], lang: Lang) -> Style {
    let mut rules = Vec::new();
    for &(m, generated) in modes {
        let (colour, width, pass, label) = mode_look(m, generated, lang);
        let filter = match m {
            Mode::Road => format!(
                "\"mode\" = 'road' AND \"generated\" = {}",
                u8::from(generated)
            ),
            _ => format!("\"mode\" = '{}'", m.as_str()),
        };
        rules.push(Rule {
            filter,
            label,
            symbol: Symbol::Line {
                colour,
                width_mm: width,
                dashed: false,
                offset_field: Some("offset_mm".into()),
                pass,
            },
        });
    }
    let mut s = Style::new(
        GeomKind::Line,
        Renderer::Rules {
            rules,
            levels: true,
        },
    );
    s.labels = Some(line_labels(lang));
    s
}

/// Line-name labels of a link layer, off until switched on, only where the line is long enough.
fn line_labels(lang: Lang) -> Labels {
    Labels {
        enabled: false,
        min_feature_mm: 15.0,
        size_pt: 7.0,
        ..Labels::on(match lang {
            Lang::En => "line_name",
            Lang::Zh => "line_name_zh",
        })
    }
}

/// A link's line name and Chinese line name (the name where there is no Chinese one; empty
/// for a link of no line).
fn line_names(l: &crate::network::Link) -> (String, String) {
    let line = l.line_name.clone().unwrap_or_default();
    let line_zh = l.line_name_zh.clone().unwrap_or_else(|| line.clone());
    (line, line_zh)
}

/// A link's label in both languages: its line name, else its two ends.
fn link_labels(
    line: &str,
    line_zh: &str,
    a: &crate::model::Unit,
    b: &crate::model::Unit,
) -> (String, String) {
    let en = if line.is_empty() {
        format!("{} – {}", a.name, b.name)
    } else {
        line.to_string()
    };
    let zh = if line_zh.is_empty() {
        format!("{}—{}", a.label_zh(), b.label_zh())
    } else {
        line_zh.to_string()
    };
    (en, zh)
}

/// The modes present among `links`, in legend order: HSR, rail, expressway, curated roads,
/// generated roads.
fn modes_present(links: &[crate::network::Link]) -> Vec<(Mode, bool)> {
    let mut v: Vec<(Mode, bool)> = Vec::new();
    for m in Mode::ALL {
        for g in [false, true] {
            if (m == Mode::Road || !g) && links.iter().any(|l| l.mode == m && l.generated == g) {
                v.push((m, g));
            }
        }
    }
    v
}

/// `links`: every link of the network seat to seat, with its betweenness and gravity flow,
/// styled by mode with parallel links side by side.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn links(
    out: &mut Outputs,
    an: &Analysis<'_>,
    st: &Linkage,
    flow: &[f64],
) -> Result<Vec<LayerInfo>> {
    let region = &an.inputs.region;
    let lang = an.options.lang;
    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("link_id", 0),
        ("line_name", 0),
        ("line_name_zh", 0),
        ("from_code", 0),
        ("to_code", 0),
        ("mode", 0),
        ("status", 0),
        ("opening_year", 0),
        ("minutes", 1),
        ("time_source", 0),
        ("time_estimate", 0),
        ("generated", 0),
        ("length_km", 1),
        ("betweenness_paths", 1),
        ("flow_gravity", 4),
        ("offset_mm", 2),
    ]);
    let links = an.net.links();
    let ends: Vec<(UnitId, UnitId, Mode, &str)> = links
        .iter()
        .map(|l| (l.from, l.to, l.mode, l.link_id.as_str()))
        .collect();
    let offsets = parallel_offsets(&ends);
    let mut geoms = Vec::new();
    for (i, l) in links.iter().enumerate() {
        let (f, to) = (region.unit(l.from), region.unit(l.to));
        let (line, line_zh) = line_names(l);
        let (label, label_zh) = link_labels(&line, &line_zh, f, to);
        t.push(vec![
            label.into(),
            label_zh.into(),
            l.link_id.clone().into(),
            line.into(),
            line_zh.into(),
            f.code.clone().into(),
            to.code.clone().into(),
            l.mode.as_str().into(),
            l.status.as_str().into(),
            Cell::Int(l.opening_year.map(i64::from)),
            l.minutes.0.into(),
            l.time_source.clone().into(),
            l.estimate.into(),
            l.generated.into(),
            Cell::Num(l.length_km),
            st.centrality.link_betweenness[i].into(),
            flow[i].into(),
            offsets[i].into(),
        ]);
        geoms.push(Geom::Line(geo::LineString::from(vec![f.seat.0, to.seat.0])));
    }
    let style = links_style(&modes_present(links), lang);
    Ok(emit(
        out,
        "links",
        &t,
        geoms,
        (
            tr(lang, "Transport links by mode", "交通线路 (按方式)"),
            style,
            Group::Network,
            true,
        ),
    )?
    .into_iter()
    .collect())
}

/// The ring between two bands: the band's dissolved polygon minus the previous band's (geo's
/// boolean difference), rounded and validated for GeoJSON; the band itself for the first.
///
/// # Errors
/// A dissolve or a rounding that cannot give a valid polygon.
pub fn ring(
    band: &geo::MultiPolygon<f64>,
    previous: Option<&geo::MultiPolygon<f64>>,
) -> Result<geo::MultiPolygon<f64>> {
    let raw = match previous {
        Some(p) if !p.0.is_empty() => band.difference(p),
        _ => band.clone(),
    };
    finish_for_geojson(raw, crate::export::geojson::COORD_DECIMALS)
}

/// One ring of one core: its geometry and figures.
struct RingRow {
    core: usize,
    band_from: f64,
    band: f64,
    units_ring: usize,
    pop_ring: f64,
    units_within: usize,
    pop_within: f64,
    share_within: Option<f64>,
    geom: geo::MultiPolygon<f64>,
}

/// Every core's rings, band by band.
fn rings(an: &Analysis<'_>) -> Result<Vec<RingRow>> {
    let region = &an.inputs.region;
    let all = Totals::of(region, region.units.iter().map(|u| u.id));
    let mut rows = Vec::new();
    for (ci, c) in an.cores.iter().enumerate() {
        let mut previous: Option<geo::MultiPolygon<f64>> = None;
        let (mut prev_units, mut prev_pop, mut prev_band) = (0usize, 0.0, 0.0);
        for &b in &an.options.bands {
            let r = reach(region, c, b);
            let polys: Vec<&geo::MultiPolygon<f64>> = r
                .units
                .iter()
                .filter_map(|u| region.unit(*u).geometry.as_ref())
                .collect();
            let band = dissolve(&polys)?;
            let geom = ring(&band, previous.as_ref())?;
            let (ps, _, _) = r.totals.shares(&all);
            if !geom.0.is_empty() {
                rows.push(RingRow {
                    core: ci,
                    band_from: prev_band,
                    band: b,
                    units_ring: r.totals.units - prev_units,
                    pop_ring: r.totals.pop_10k - prev_pop,
                    units_within: r.totals.units,
                    pop_within: r.totals.pop_10k,
                    share_within: ps,
                    geom,
                });
            }
            previous = Some(band);
            prev_units = r.totals.units;
            prev_pop = r.totals.pop_10k;
            prev_band = b;
        }
    }
    Ok(rows)
}

/// `0 – 60 min`.
fn band_text(from: f64, to: f64, lang: Lang) -> String {
    format!("{from} – {to} {}", tr(lang, "min", "分钟"))
}

/// The ring colours of core `ci` over `n` bands, dark (near) to light (far).
pub fn ring_colours(ci: usize, n: usize) -> Vec<Rgb> {
    let (dark, light) = qml::CORE_RAMPS[ci % qml::CORE_RAMPS.len()];
    qml::ramp(dark, light, n)
}

/// `isochrones_<core>` for each core: per band, the ring of units first reached within the band
/// (filled, dark near the core, in the core's hue), with the counts of the ring and within the
/// band; legend in band order. One layer per core, so the two cores' rings never cover each
/// other.
///
/// # Errors
/// A dissolve that fails; see [`Outputs::layer`].
pub fn isochrones(out: &mut Outputs, an: &Analysis<'_>) -> Result<Vec<LayerInfo>> {
    let region = &an.inputs.region;
    let lang = an.options.lang;
    if !region.has_polygons() {
        out.skipped.push(
            "isochrones_<core>.geojson: the units layer has no polygons (see measures.csv: t_<core>_min)"
                .into(),
        );
        return Ok(Vec::new());
    }
    let rows = rings(an)?;
    let bands = &an.options.bands;
    let table_of = |rows: &[&RingRow]| {
        let mut t = Table::new(&[
            ("name", 0),
            ("name_zh", 0),
            ("core", 0),
            ("core_key", 0),
            ("band_from_min", 0),
            ("band_min", 0),
            ("units_ring", 0),
            ("pop_ring_10k", 2),
            ("units_within", 0),
            ("pop_within_10k", 2),
            ("pop_within_pct", 2),
        ]);
        let mut geoms = Vec::new();
        for r in rows {
            let c = &an.cores[r.core];
            t.push(vec![
                format!("{} {}", c.name, band_text(r.band_from, r.band, Lang::En)).into(),
                format!(
                    "{} {}",
                    c.label(Lang::Zh),
                    band_text(r.band_from, r.band, Lang::Zh)
                )
                .into(),
                c.name.clone().into(),
                c.key.clone().into(),
                r.band_from.into(),
                r.band.into(),
                r.units_ring.into(),
                r.pop_ring.into(),
                r.units_within.into(),
                r.pop_within.into(),
                Cell::Num(r.share_within.map(|p| p * 100.0)),
            ]);
            geoms.push(Geom::Polygon(r.geom.clone()));
        }
        (t, geoms)
    };
    let band_from = |k: usize| if k == 0 { 0.0 } else { bands[k - 1] };
    let mut info = Vec::new();
    for (ci, c) in an.cores.iter().enumerate() {
        let mine: Vec<&RingRow> = rows.iter().filter(|r| r.core == ci).collect();
        let colours = ring_colours(ci, bands.len());
        let categories = bands
            .iter()
            .enumerate()
            .filter(|(_, b)| mine.iter().any(|r| r.band == **b))
            .map(|(k, &b)| Category {
                value: format!("{b}"),
                label: band_text(band_from(k), b, lang),
                symbol: Symbol::fill(colours[k]),
            })
            .collect();
        let (t, geoms) = table_of(&mine);
        let name = c.label(lang).to_string();
        info.extend(emit(
            out,
            &format!("isochrones_{}", c.key),
            &t,
            geoms,
            (
                tr(
                    lang,
                    &format!("Travel time from {name}"),
                    &format!("距{name}出行时间"),
                ),
                Style::new(
                    GeomKind::Polygon,
                    Renderer::Categorized {
                        field: "band_min".into(),
                        categories,
                    },
                ),
                Group::Measures,
                false,
            ),
        )?);
    }
    Ok(info)
}

/// The colours of the corridor position, from the first core's end (0) to the second's (1).
pub fn corridor_colour(position: f64) -> Rgb {
    const FIVE: [Rgb; 5] = [
        (217, 95, 2),
        (241, 163, 64),
        (153, 153, 153),
        (107, 174, 214),
        (8, 81, 156),
    ];
    let k = ((position * 5.0).floor() as usize).min(4);
    FIVE[k]
}

/// The corridor style: position along the axis in fifths (merged where empty), coloured from
/// the first core's end to the second's.
pub fn corridor_style(values: &[Option<f64>], ends: (&str, &str), lang: Lang) -> Style {
    let mut bounds = qml::fixed_classes(values, &[0.2], 5);
    if let [(a, b)] = bounds[..]
        && a == b
    {
        let lo = ((a * 5.0).floor() / 5.0).min(0.8);
        bounds = vec![(lo, lo + 0.2)];
    }
    let mut classes = classes_from_bounds(&bounds, "", |_, _| Symbol::fill((0, 0, 0)));
    let n = classes.len();
    for (i, c) in classes.iter_mut().enumerate() {
        c.symbol = Symbol::fill(corridor_colour((c.lower + c.upper) / 2.0));
        if i == 0 {
            c.label = tr(
                lang,
                &format!("{} (near {})", c.label, ends.0),
                &format!("{} (近{})", c.label, ends.0),
            );
        } else if i + 1 == n {
            c.label = tr(
                lang,
                &format!("{} (near {})", c.label, ends.1),
                &format!("{} (近{})", c.label, ends.1),
            );
        }
    }
    Style::new(
        GeomKind::Polygon,
        Renderer::Graduated {
            field: "corridor_pos".into(),
            method: "Fixed",
            classes,
        },
    )
}

/// `corridor`: the corridor units with their position and detour ratio, coloured by position.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn corridor(out: &mut Outputs, an: &Analysis<'_>) -> Result<Vec<LayerInfo>> {
    let region = &an.inputs.region;
    let lang = an.options.lang;
    let Some(c) = &an.corridor else {
        out.skipped
            .push("corridor.geojson: the study has fewer than two cores".into());
        return Ok(Vec::new());
    };
    if !region.has_polygons() {
        out.skipped.push(
            "corridor.geojson: the units layer has no polygons (see measures.csv: in_corridor)"
                .into(),
        );
        return Ok(Vec::new());
    }
    let mut t = unit_table(&[
        ("corridor_rank", 0),
        ("corridor_pos", 3),
        ("detour_ratio", 3),
        ("t_from_core_a_min", 1),
        ("t_to_core_b_min", 1),
        (&crate::export::pop_column(&an.inputs.study), 2),
    ]);
    let mut geoms = Vec::new();
    for (k, u) in c.units.iter().enumerate() {
        let i = u.unit.index();
        let mut row = unit_cells(region, i);
        row.extend([
            (k + 1).into(),
            u.position.into(),
            u.detour.into(),
            u.t_from_a.into(),
            u.t_to_b.into(),
            region.units[i].population_10k.into(),
        ]);
        t.push(row);
        geoms.push(Geom::Polygon(
            region.units[i].geometry.clone().expect("has_polygons"),
        ));
    }
    let v = column_values(&t, "corridor_pos");
    let core_name = |i: usize| an.cores[i].label(lang);
    let style = corridor_style(&v, (core_name(0), core_name(1)), lang);
    Ok(emit(
        out,
        "corridor",
        &t,
        geoms,
        (
            tr(
                lang,
                &format!(
                    "{}–{} corridor (position along the axis)",
                    core_name(0),
                    core_name(1)
                ),
                &format!("{}—{}走廊 (沿轴位置)", core_name(0), core_name(1)),
            ),
            style,
            Group::Measures,
            false,
        ),
    )?
    .into_iter()
    .collect())
}

/// The linkage classes: natural breaks of R, lines wider and darker with R.
pub fn linkage_style(values: &[Option<f64>]) -> Style {
    let bounds = qml::natural_classes(values, 5);
    qml::graduated_style(GeomKind::Line, "r", "Jenks", &bounds, false, "")
}

/// `linkage`: the strongest gravity linkages as desire lines.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn linkage(out: &mut Outputs, an: &Analysis<'_>, st: &Linkage) -> Result<Vec<LayerInfo>> {
    let region = &st.places.region;
    let lang = an.options.lang;
    let strongest = st.place_gravity.strongest(an.options.gravity.top);
    let mut lt = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("rank", 0),
        ("from_code", 0),
        ("to_code", 0),
        ("r", 4),
        ("class", 0),
    ]);
    let mut lg = Vec::new();
    for (k, l) in strongest.iter().enumerate() {
        let (f, t) = (region.unit(l.from), region.unit(l.to));
        lt.push(vec![
            format!("{} – {}", f.name, t.name).into(),
            format!("{}—{}", f.label_zh(), t.label_zh()).into(),
            (k + 1).into(),
            f.code.clone().into(),
            t.code.clone().into(),
            l.r.into(),
            l.class.as_str().into(),
        ]);
        lg.push(Geom::Line(geo::LineString::from(vec![f.seat.0, t.seat.0])));
    }
    let rv = column_values(&lt, "r");
    Ok(emit(
        out,
        "linkage",
        &lt,
        lg,
        (
            tr(
                lang,
                &format!("The {} strongest linkages (gravity R)", strongest.len()),
                &format!("最强的 {} 条联系 (引力 R)", strongest.len()),
            ),
            linkage_style(&rv),
            Group::Measures,
            false,
        ),
    )?
    .into_iter()
    .collect())
}

/// `scenario`: the per-unit differences of a comparison, graduated on `d_watt_pct` (natural
/// breaks; dark = the largest cut in WATT), labelled in `lang`.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn scenario(
    out: &mut Outputs,
    region: &Region,
    t: &Table,
    lang: Lang,
) -> Result<Vec<LayerInfo>> {
    let (geoms, kind) = unit_geoms(region);
    let v = column_values(t, "d_watt_pct");
    let bounds = qml::natural_classes(&v, 5);
    let mut style = qml::graduated_style(kind, "d_watt_pct", "Jenks", &bounds, true, "%");
    if kind == GeomKind::Point {
        style.labels = Some(place_labels(lang, &[]));
    }
    Ok(emit(
        out,
        "scenario",
        t,
        geoms,
        (
            tr(lang, "Change in WATT (%)", "WATT 变化 (%)"),
            style,
            Group::Scenario,
            true,
        ),
    )?
    .into_iter()
    .collect())
}

/// The criticality style: links whose failure cuts units off or the cores apart first (darkest,
/// widest), then natural-break classes of Δ population-weighted WATT; parallel links offset.
pub fn criticality_style(values: &[Option<f64>], lang: Lang) -> Style {
    let bounds = qml::natural_classes(values, 4);
    let n = bounds.len();
    let ramp = qml::spread(&qml::LINE_RAMP[..5], n.max(1));
    let mut rules = vec![Rule {
        filter: "\"units_cut_off\" > 0 OR \"cores_cut_apart\" = 1".into(),
        label: tr(
            lang,
            "cuts units off or the cores apart",
            "导致单元或核心间断开",
        ),
        symbol: Symbol::Line {
            colour: (60, 0, 30),
            width_mm: 2.4,
            dashed: false,
            offset_field: Some("offset_mm".into()),
            pass: 0,
        },
    }];
    let classes = classes_from_bounds(&bounds, &tr(lang, "min", "分钟"), |i, _| {
        Symbol::line(ramp[i], qml::LINE_WIDTHS[i.min(5)])
    });
    for (i, c) in classes.into_iter().enumerate() {
        let lower = if i == 0 {
            format!("\"d_watt_pop_min\" >= {}", c.lower)
        } else {
            format!("\"d_watt_pop_min\" > {}", c.lower)
        };
        let symbol = match c.symbol {
            Symbol::Line {
                colour, width_mm, ..
            } => Symbol::Line {
                colour,
                width_mm,
                dashed: false,
                offset_field: Some("offset_mm".into()),
                pass: 0,
            },
            s => s,
        };
        rules.push(Rule {
            filter: format!(
                "\"units_cut_off\" = 0 AND \"cores_cut_apart\" = 0 AND {lower} AND \"d_watt_pop_min\" <= {}",
                c.upper
            ),
            label: format!("+{}", c.label),
            symbol,
        });
    }
    Style::new(
        GeomKind::Line,
        Renderer::Rules {
            rules,
            levels: false,
        },
    )
}

/// `links_criticality`: each failed link ranked by its damage.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn criticality(out: &mut Outputs, an: &Analysis<'_>, r: &Resilience) -> Result<Table> {
    let region = &an.inputs.region;
    let lang = an.options.lang;
    let net = &an.net;
    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("rank", 0),
        ("link_id", 0),
        ("line_name", 0),
        ("line_name_zh", 0),
        ("mode", 0),
        ("from_code", 0),
        ("to_code", 0),
        ("minutes", 1),
        ("d_watt_pop_min", 3),
        ("d_t_cores_min", 2),
        ("cores_cut_apart", 0),
        ("d_units_beyond", 0),
        ("units_cut_off", 0),
        ("watt_pop_min", 3),
        ("t_cores_min", 2),
        ("units_beyond", 0),
        ("offset_mm", 2),
    ]);
    let ends: Vec<(UnitId, UnitId, Mode, &str)> = r
        .ranked
        .iter()
        .map(|(l, _, _)| {
            let link = net.link(*l);
            (link.from, link.to, link.mode, link.link_id.as_str())
        })
        .collect();
    let offsets = parallel_offsets(&ends);
    let mut geoms = Vec::new();
    for (k, (l, f, d)) in r.ranked.iter().enumerate() {
        let link = net.link(*l);
        let (a, b) = (region.unit(link.from), region.unit(link.to));
        let (line, line_zh) = line_names(link);
        let (label, label_zh) = link_labels(&line, &line_zh, a, b);
        t.push(vec![
            label.into(),
            label_zh.into(),
            (k + 1).into(),
            link.link_id.clone().into(),
            line.into(),
            line_zh.into(),
            link.mode.as_str().into(),
            a.code.clone().into(),
            b.code.clone().into(),
            link.minutes.0.into(),
            Cell::Num(d.d_watt_pop_min.is_finite().then_some(d.d_watt_pop_min)),
            Cell::Num(d.d_t_cores_min.is_finite().then_some(d.d_t_cores_min)),
            (d.d_t_cores_min == f64::INFINITY).into(),
            Cell::Int(Some(d.d_units_beyond)),
            Cell::Int(Some(d.d_units_cut_off)),
            f.watt_pop_min.into(),
            f.t_cores_min.into(),
            f.units_beyond_band.into(),
            offsets[k].into(),
        ]);
        geoms.push(Geom::Line(geo::LineString::from(vec![a.seat.0, b.seat.0])));
    }
    let v = column_values(&t, "d_watt_pop_min");
    let mut style = criticality_style(&v, lang);
    style.labels = Some(line_labels(lang));
    emit(
        out,
        "links_criticality",
        &t,
        geoms,
        (
            tr(lang, "Link criticality", "线路关键性"),
            style,
            Group::Network,
            true,
        ),
    )?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_links_sit_side_by_side_whatever_their_direction() {
        let (a, b, c) = (UnitId(0), UnitId(1), UnitId(2));
        let ends = [
            (a, b, Mode::Road, "r1"),
            (b, a, Mode::Hsr, "h1"),
            (a, b, Mode::Expressway, "e1"),
            (a, c, Mode::Rail, "x"),
        ];
        let off = parallel_offsets(&ends);
        // Three between a and b, ordered HSR, expressway, road from left to right along a → b.
        assert_eq!(off[3], 0.0);
        let along_ab = [-off[1], off[2], off[0]];
        assert_eq!(along_ab, [-PARALLEL_GAP_MM, 0.0, PARALLEL_GAP_MM]);
    }
}
