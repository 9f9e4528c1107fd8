//! Results as map layers: which features, which properties, which style. Every function adds
//! `<name>.geojson` and `<name>.qml` to an [`Outputs`] (or says there why a layer is left out).

use crate::analysis::{Analysis, Linkage, Resilience};
use crate::error::Result;
use crate::export::geojson::Geom;
use crate::export::isochrone::{dissolve, finish_for_geojson};
use crate::export::qml::{self, GeomKind};
use crate::export::table::{Cell, Table};
use crate::export::tables::{column_values, unit_cells, unit_table};
use crate::export::write::Outputs;
use crate::measures::reach::{Totals, reach};
use crate::model::Region;

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

/// `units` (polygons; left out for a point layer) and `seats` (points) with every per-unit
/// measure of `table`, graduated on `watt_min`.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn units_and_seats(out: &mut Outputs, region: &Region, table: &Table) -> Result<()> {
    let main_field = "watt_min";
    let main_values = column_values(table, main_field);
    if region.has_polygons() {
        let geoms = region
            .units
            .iter()
            .map(|u| Geom::Polygon(u.geometry.clone().expect("has_polygons checked")))
            .collect();
        out.layer(
            "units",
            table,
            geoms,
            qml::graduated(
                GeomKind::Polygon,
                main_field,
                &main_values,
                true,
                "name",
                "min",
            ),
        )?;
    } else {
        out.skipped.push(
            "units.geojson: the units layer has no polygons (the seats layer has every measure)"
                .into(),
        );
    }
    let seat_geoms = region.units.iter().map(|u| Geom::Point(u.seat)).collect();
    out.layer(
        "seats",
        table,
        seat_geoms,
        qml::graduated(
            GeomKind::Point,
            main_field,
            &main_values,
            true,
            "name",
            "min",
        ),
    )
}

/// `links`: every link of the network seat to seat, with its betweenness and gravity flow.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn links(out: &mut Outputs, an: &Analysis<'_>, st: &Linkage, flow: &[f64]) -> Result<()> {
    let region = &an.inputs.region;
    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("link_id", 0),
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
    ]);
    let mut geoms = Vec::new();
    for (i, l) in an.net.links().iter().enumerate() {
        let (f, to) = (region.unit(l.from), region.unit(l.to));
        t.push(vec![
            l.line_name
                .clone()
                .unwrap_or_else(|| l.link_id.clone())
                .into(),
            l.line_name_zh.clone().unwrap_or_default().into(),
            l.link_id.clone().into(),
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
        ]);
        geoms.push(Geom::Line(geo::LineString::from(vec![f.seat.0, to.seat.0])));
    }
    let betw = column_values(&t, "betweenness_paths");
    out.layer(
        "links",
        &t,
        geoms,
        qml::graduated(
            GeomKind::Line,
            "betweenness_paths",
            &betw,
            false,
            "link_id",
            "paths",
        ),
    )
}

/// `isochrones`: per core and band, the dissolved polygons of the units reached.
///
/// # Errors
/// A dissolve that fails; see [`Outputs::layer`].
pub fn isochrones(out: &mut Outputs, an: &Analysis<'_>) -> Result<()> {
    let region = &an.inputs.region;
    if !region.has_polygons() {
        out.skipped
            .push("isochrones.geojson: the units layer has no polygons".into());
        return Ok(());
    }
    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("core", 0),
        ("band_min", 0),
        ("units", 0),
        ("pop_10k", 2),
        ("pop_share_pct", 2),
    ]);
    let mut geoms = Vec::new();
    let all = Totals::of(region, region.units.iter().map(|u| u.id));
    let mut cats = Vec::new();
    for c in &an.cores {
        let zh = an
            .inputs
            .study
            .cores
            .iter()
            .find(|d| d.name == c.name)
            .and_then(|d| d.name_zh.clone())
            .unwrap_or_else(|| c.name.clone());
        for &b in &an.options.bands {
            let r = reach(region, c, b);
            if r.units.is_empty() {
                continue;
            }
            let polys: Vec<&geo::MultiPolygon<f64>> = r
                .units
                .iter()
                .filter_map(|u| region.unit(*u).geometry.as_ref())
                .collect();
            let mp = finish_for_geojson(dissolve(&polys)?, 6)?;
            let (ps, _, _) = r.totals.shares(&all);
            let label = format!("{} ≤ {} min", c.name, b);
            t.push(vec![
                label.clone().into(),
                format!("{zh} {b} 分钟").into(),
                c.name.clone().into(),
                b.into(),
                r.totals.units.into(),
                r.totals.pop_10k.into(),
                Cell::Num(ps.map(|p| p * 100.0)),
            ]);
            geoms.push(Geom::Polygon(mp));
            cats.push((format!("{b}"), format!("≤ {b} min")));
        }
    }
    cats.sort();
    cats.dedup();
    let style = qml::categorized(GeomKind::Polygon, "band_min", &cats, Some("name"));
    out.layer("isochrones", &t, geoms, style)
}

/// `corridor`: the corridor units with their position and detour ratio.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn corridor(out: &mut Outputs, an: &Analysis<'_>) -> Result<()> {
    let region = &an.inputs.region;
    let Some(c) = &an.corridor else {
        out.skipped
            .push("corridor.geojson: the study has fewer than two cores".into());
        return Ok(());
    };
    if !region.has_polygons() {
        out.skipped.push(
            "corridor.geojson: the units layer has no polygons (see measures.csv: in_corridor)"
                .into(),
        );
        return Ok(());
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
    out.layer(
        "corridor",
        &t,
        geoms,
        qml::graduated(GeomKind::Polygon, "corridor_pos", &v, false, "name", ""),
    )
}

/// `linkage`: the strongest gravity linkages as desire lines.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn linkage(out: &mut Outputs, an: &Analysis<'_>, st: &Linkage) -> Result<()> {
    let region = &st.places.region;
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
    out.layer(
        "linkage",
        &lt,
        lg,
        qml::graduated(GeomKind::Line, "r", &rv, false, "name", ""),
    )
}

/// `scenario`: the per-unit differences of a comparison, graduated on `d_watt_pct`.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn scenario(out: &mut Outputs, region: &Region, t: &Table) -> Result<()> {
    let (geoms, kind) = unit_geoms(region);
    let v = column_values(t, "d_watt_pct");
    out.layer(
        "scenario",
        t,
        geoms,
        qml::graduated(kind, "d_watt_pct", &v, true, "name", "%"),
    )
}

/// `links_criticality`: each failed link ranked by its damage.
///
/// # Errors
/// See [`Outputs::layer`].
pub fn criticality(out: &mut Outputs, an: &Analysis<'_>, r: &Resilience) -> Result<Table> {
    let region = &an.inputs.region;
    let net = &an.net;
    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("rank", 0),
        ("link_id", 0),
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
    ]);
    let mut geoms = Vec::new();
    for (k, (l, f, d)) in r.ranked.iter().enumerate() {
        let link = net.link(*l);
        let (a, b) = (region.unit(link.from), region.unit(link.to));
        t.push(vec![
            link.line_name
                .clone()
                .unwrap_or_else(|| link.link_id.clone())
                .into(),
            link.line_name_zh.clone().unwrap_or_default().into(),
            (k + 1).into(),
            link.link_id.clone().into(),
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
        ]);
        geoms.push(Geom::Line(geo::LineString::from(vec![a.seat.0, b.seat.0])));
    }
    let v = column_values(&t, "d_watt_pop_min");
    out.layer(
        "links_criticality",
        &t,
        geoms,
        qml::graduated(
            GeomKind::Line,
            "d_watt_pop_min",
            &v,
            false,
            "link_id",
            "min",
        ),
    )?;
    Ok(t)
}
