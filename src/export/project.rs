//! The QGIS project of a run: `regionlink.qgs`, a QGIS 3.22 project file beside the layers that
//! opens as a finished map.
//!
//! Every layer of the run is in it, styled as its `.qml` (the style is embedded, so the project
//! does not depend on the sidecars), in groups drawn top to bottom: **Base** (the seats with the
//! place names, and the unit borders), **Network** (the links by mode), **Measures** (the
//! strongest linkages, the corridor, each core's travel-time rings, WATT by unit) and
//! **Scenario** when a run has one. Only the seats, the unit borders, the links and WATT are
//! shown when the project opens; the other layers are a click away in the layer list.
//!
//! Paths are relative (`./units.geojson`, with the project's "save paths" set to relative), so
//! the folder can be moved or zipped whole. The map is drawn in the UTM zone of the region's
//! centre (WGS 84, metres: north is up, distances and shapes true to within a fraction of a
//! percent over a region of a few hundred kilometres) and opens on the region's extent, with a
//! scale bar, a north arrow and the study's title as map decorations.
//!
//! The file is deterministic: layer ids are the file names, and no date or user name is written.

use std::fmt::Write as _;

use crate::export::layers::{Group, LayerInfo};
use crate::export::maps::Utm;
use crate::export::qml::{GeomKind, Renderer, Style, Symbol};
use crate::export::report::tr;
use crate::model::Lang;

/// The project file's name.
pub const FILE: &str = "regionlink.qgs";

/// One layer of the project: a layer file with a title, a style, a group and a visibility.
#[derive(Debug, Clone)]
struct ProjectLayer<'a> {
    id: String,
    file: String,
    title: String,
    kind: GeomKind,
    style: &'a Style,
    group: Group,
    visible: bool,
}

/// The style of the unit borders in the base group: outlines only, grey.
fn borders_style() -> Style {
    Style::new(
        GeomKind::Polygon,
        Renderer::Single(Symbol::outline((120, 120, 120), 0.2)),
    )
}

/// The order of layers within a group: points over lines over polygons, then as listed.
fn draw_rank(kind: GeomKind) -> u8 {
    match kind {
        GeomKind::Point => 0,
        GeomKind::Line => 1,
        GeomKind::Polygon => 2,
    }
}

/// The project XML for `layers` (as written, see [`LayerInfo`]), titled `title`, opening on
/// `bbox` = `[min lon, min lat, max lon, max lat]`.
pub fn project(layers: &[LayerInfo], title: &str, bbox: [f64; 4], lang: Lang) -> String {
    let borders = borders_style();
    let mut items: Vec<ProjectLayer<'_>> = Vec::new();
    for l in layers {
        items.push(ProjectLayer {
            id: format!("{}_layer", l.name),
            file: format!("./{}.geojson", l.name),
            title: l.title.clone(),
            kind: l.kind,
            style: &l.style,
            group: l.group,
            visible: l.visible,
        });
        if l.name == "units" {
            items.push(ProjectLayer {
                id: "unit_borders_layer".into(),
                file: "./units.geojson".into(),
                title: tr(lang, "Unit borders", "单元边界"),
                kind: GeomKind::Polygon,
                style: &borders,
                group: Group::Base,
                visible: true,
            });
        }
    }
    // Stable: groups in order, points over lines over polygons, then the run's order.
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Within a rank, the layers shown at opening go below the hidden ones (WATT under the
    // rings and the corridor), so a layer switched on shows on top of the base map.
    order.sort_by_key(|&i| {
        (
            items[i].group,
            draw_rank(items[i].kind),
            items[i].visible,
            i,
        )
    });
    let items: Vec<ProjectLayer<'_>> = order.into_iter().map(|i| items[i].clone()).collect();

    let centre = ((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0);
    let utm = Utm::for_centre(centre.0, centre.1);
    let (xmin, ymin, xmax, ymax) = utm.extent(bbox);
    let dest = srs(&utm.authid(), &utm.proj4(), &utm.description(), false);
    let wgs84 = srs(
        "EPSG:4326",
        "+proj=longlat +datum=WGS84 +no_defs",
        "WGS 84",
        true,
    );

    let mut x = String::new();
    x.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        x,
        r#"<qgis version="3.22.16-Białowieża" projectname="{}">"#,
        esc(title)
    );
    x.push_str("  <homePath path=\"\"/>\n");
    let _ = writeln!(x, "  <title>{}</title>", esc(title));
    x.push_str("  <autotransaction active=\"0\"/>\n  <evaluateDefaultValues active=\"0\"/>\n  <trust active=\"0\"/>\n");
    let _ = writeln!(x, "  <projectCrs>\n{}  </projectCrs>", indent(&dest, 4));

    // The layer tree: one group per kind of layer, in order.
    x.push_str("  <layer-tree-group>\n    <customproperties/>\n");
    let mut groups: Vec<Group> = items.iter().map(|l| l.group).collect();
    groups.dedup();
    for g in &groups {
        let _ = writeln!(
            x,
            r#"    <layer-tree-group checked="Qt::Checked" expanded="1" name="{}">"#,
            esc(&g.title(lang))
        );
        x.push_str("      <customproperties/>\n");
        for l in items.iter().filter(|l| l.group == *g) {
            let _ = writeln!(
                x,
                r#"      <layer-tree-layer checked="Qt::{}" id="{}" expanded="{}" source="{}" name="{}" providerKey="ogr" legend_exp="" patch_size="-1,-1" legend_split_behavior="0">"#,
                if l.visible { "Checked" } else { "Unchecked" },
                l.id,
                u8::from(l.visible),
                esc(&l.file),
                esc(&l.title)
            );
            x.push_str("        <customproperties/>\n      </layer-tree-layer>\n");
        }
        x.push_str("    </layer-tree-group>\n");
    }
    x.push_str("    <custom-order enabled=\"0\">\n");
    for l in &items {
        let _ = writeln!(x, "      <item>{}</item>", l.id);
    }
    x.push_str("    </custom-order>\n  </layer-tree-group>\n");

    // The map canvas: the project CRS, the region's extent.
    let _ = writeln!(
        x,
        "  <mapcanvas annotationsVisible=\"1\" name=\"theMapCanvas\">\n    <units>meters</units>\n    <extent>\n      <xmin>{}</xmin>\n      <ymin>{}</ymin>\n      <xmax>{}</xmax>\n      <ymax>{}</ymax>\n    </extent>\n    <rotation>0</rotation>\n    <destinationsrs>\n{}    </destinationsrs>\n    <rendermaptile>0</rendermaptile>\n    <expressionContextScope/>\n  </mapcanvas>",
        num(xmin),
        num(ymin),
        num(xmax),
        num(ymax),
        indent(&dest, 6)
    );

    x.push_str("  <projectlayers>\n");
    for l in &items {
        x.push_str(&maplayer(l, &wgs84));
    }
    x.push_str("  </projectlayers>\n  <layerorder>\n");
    for l in &items {
        let _ = writeln!(x, "    <layer id=\"{}\"/>", l.id);
    }
    x.push_str("  </layerorder>\n");

    // Relative paths, decorations (title, scale bar, north arrow), white canvas.
    let _ = writeln!(
        x,
        r#"  <properties>
    <Gui>
      <CanvasColorBluePart type="int">255</CanvasColorBluePart>
      <CanvasColorGreenPart type="int">255</CanvasColorGreenPart>
      <CanvasColorRedPart type="int">255</CanvasColorRedPart>
    </Gui>
    <Measurement>
      <AreaUnits type="QString">km2</AreaUnits>
      <DistanceUnits type="QString">km</DistanceUnits>
    </Measurement>
    <NorthArrow>
      <Enabled type="bool">true</Enabled>
      <Placement type="int">2</Placement>
      <Size type="double">14</Size>
    </NorthArrow>
    <Paths>
      <Absolute type="bool">false</Absolute>
    </Paths>
    <ScaleBar>
      <Enabled type="bool">true</Enabled>
      <Placement type="int">0</Placement>
      <PreferredSize type="int">30</PreferredSize>
      <Snapping type="bool">true</Snapping>
      <Style type="int">1</Style>
    </ScaleBar>
    <SpatialRefSys>
      <ProjectionsEnabled type="int">1</ProjectionsEnabled>
    </SpatialRefSys>
    <TitleLabel>
      <Enabled type="bool">true</Enabled>
      <Label type="QString">{}</Label>
      <Placement type="int">1</Placement>
      <FontSize type="int">12</FontSize>
    </TitleLabel>
  </properties>"#,
        esc(title)
    );
    let _ = writeln!(
        x,
        "  <ProjectViewSettings rotation=\"0\" UseProjectScales=\"0\">\n    <Scales/>\n    <DefaultViewExtent xmin=\"{}\" ymin=\"{}\" xmax=\"{}\" ymax=\"{}\">\n{}    </DefaultViewExtent>\n  </ProjectViewSettings>",
        num(xmin),
        num(ymin),
        num(xmax),
        num(ymax),
        indent(&dest, 6)
    );
    x.push_str("</qgis>\n");
    x
}

/// One `<maplayer>`: the source, its CRS, the provider and the style.
fn maplayer(l: &ProjectLayer<'_>, wgs84: &str) -> String {
    let mut x = format!(
        "    <maplayer type=\"vector\" geometry=\"{}\" labelsEnabled=\"{}\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\" simplifyDrawingHints=\"1\" simplifyDrawingTol=\"1\" simplifyLocal=\"1\" simplifyMaxScale=\"1\" simplifyAlgorithm=\"0\" autoRefreshEnabled=\"0\" autoRefreshTime=\"0\" refreshOnNotifyEnabled=\"0\" refreshOnNotifyMessage=\"\" symbologyReferenceScale=\"-1\">\n",
        l.kind.qgis_name(),
        u8::from(l.style.labels_enabled())
    );
    let _ = writeln!(x, "      <id>{}</id>", l.id);
    let _ = writeln!(x, "      <datasource>{}</datasource>", esc(&l.file));
    let _ = writeln!(x, "      <layername>{}</layername>", esc(&l.title));
    let _ = writeln!(x, "      <srs>\n{}      </srs>", indent(wgs84, 8));
    x.push_str("      <provider encoding=\"UTF-8\">ogr</provider>\n");
    x.push_str("      <map-layer-style-manager current=\"default\">\n        <map-layer-style name=\"default\"/>\n      </map-layer-style-manager>\n");
    x.push_str("      <flags>\n        <Identifiable>1</Identifiable>\n        <Removable>1</Removable>\n        <Searchable>1</Searchable>\n        <Private>0</Private>\n      </flags>\n");
    x.push_str(&indent(&l.style.layer_xml(), 4));
    x.push_str("      <legend type=\"default-vector\" showLabelLegend=\"0\"/>\n");
    let _ = writeln!(
        x,
        "      <layerGeometryType>{}</layerGeometryType>\n    </maplayer>",
        l.kind.layer_geometry_type()
    );
    x
}

/// A `<spatialrefsys>` by authority id (QGIS reads the id and fills in the rest).
fn srs(authid: &str, proj4: &str, description: &str, geographic: bool) -> String {
    format!(
        "<spatialrefsys>\n  <proj4>{}</proj4>\n  <authid>{}</authid>\n  <description>{}</description>\n  <geographicflag>{}</geographicflag>\n</spatialrefsys>\n",
        esc(proj4),
        esc(authid),
        esc(description),
        geographic
    )
}

/// Every line of `s` indented by `n` more spaces.
fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    s.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("{pad}{l}\n")
            }
        })
        .collect()
}

/// A coordinate in metres, to the millimetre.
fn num(v: f64) -> String {
    format!("{}", crate::export::table::round(v, 3))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
