//! QGIS styles: `.qml` sidecar files that QGIS 3.22 applies automatically when a layer is
//! opened (write `units.qml` beside `units.geojson`), the same styles embedded in the QGIS
//! project ([`crate::export::project`]) and stored as the GeoPackage's default styles
//! ([`crate::export::gpkg`]).
//!
//! A [`Style`] is a renderer, optional labels and an opacity; [`Style::to_qml`] writes the
//! sidecar and [`Style::layer_xml`] the part a project's `<maplayer>` holds. Four renderers:
//! a single symbol, graduated classes of a numeric field ([`Class`]), categories of a value
//! ([`Category`]) and rules with filter expressions ([`Rule`]); legends list the classes,
//! categories or rules in the order given.
//!
//! Class breaks are chosen per layer (see [`fixed_classes`], [`natural_classes`],
//! [`quantile_bounds`]): fixed steps for minutes and for shares of a fixed scale (every class
//! then means the same in every run), natural breaks (Fisher–Jenks) for indices without a
//! natural step. Empty classes are merged into their neighbours, so every class of a legend
//! has features. Colours come from ramps whose lightest colour still shows on white
//! ([`POLYGON_RAMP`], [`LINE_RAMP`]); "dark is good" throughout (short times, high values).
//!
//! The XML follows what QGIS 3.22 itself saves (`saveNamedStyle`), reduced to what QGIS needs
//! to read it back: the renderer (`<renderer-v2>` with its classes, categories or rules and
//! one symbol each, with data-defined properties where a symbol's offset or size comes from a
//! field), the labels (`<labeling type="simple">`, switched on by `labelsEnabled` on the root),
//! the layer opacity and `<layerGeometryType>` (0 point, 1 line, 2 polygon). Every other
//! setting keeps its QGIS default.
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
    pub fn layer_geometry_type(self) -> u8 {
        match self {
            GeomKind::Point => 0,
            GeomKind::Line => 1,
            GeomKind::Polygon => 2,
        }
    }

    /// QGIS's name of the geometry type in a project (`Point`, `Line`, `Polygon`).
    pub fn qgis_name(self) -> &'static str {
        match self {
            GeomKind::Point => "Point",
            GeomKind::Line => "Line",
            GeomKind::Polygon => "Polygon",
        }
    }
}

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

/// The number of classes of [`graduated`].
pub const CLASSES: usize = 5;

/// Sequential light → dark for filled polygons (ColorBrewer YlGnBu without its two palest
/// steps, so the lightest class still shows on white).
pub const POLYGON_RAMP: [Rgb; 6] = [
    (199, 233, 180),
    (127, 205, 187),
    (65, 182, 196),
    (29, 145, 192),
    (34, 94, 168),
    (12, 44, 132),
];

/// Sequential light → dark for lines (ColorBrewer YlOrRd from its middle: a thin line of the
/// lightest class still shows on white).
pub const LINE_RAMP: [Rgb; 6] = [
    (254, 178, 76),
    (253, 141, 60),
    (252, 78, 42),
    (227, 26, 28),
    (189, 0, 38),
    (128, 0, 38),
];

/// Line widths (mm) from the lightest to the darkest class of a graduated line style.
pub const LINE_WIDTHS: [f64; 6] = [0.5, 0.8, 1.1, 1.4, 1.8, 2.2];

/// Per core, the darkest and the lightest colour of its travel-time rings: oranges, blues,
/// greens, purples (ColorBrewer), repeated after four cores.
pub const CORE_RAMPS: [(Rgb, Rgb); 4] = [
    ((166, 54, 3), (253, 208, 162)),
    ((8, 69, 148), (198, 219, 239)),
    ((0, 109, 44), (199, 233, 192)),
    ((84, 39, 143), (218, 218, 235)),
];

/// The colour of core `i` (the middle of its ramp), for markers and legends.
pub fn core_colour(i: usize) -> Rgb {
    let (dark, light) = CORE_RAMPS[i % CORE_RAMPS.len()];
    mix(dark, light, 0.25)
}

/// `n` colours from `dark` (first) to `light` (last), evenly mixed.
pub fn ramp(dark: Rgb, light: Rgb, n: usize) -> Vec<Rgb> {
    (0..n)
        .map(|i| {
            let t = if n <= 1 {
                0.0
            } else {
                i as f64 / (n - 1) as f64
            };
            mix(dark, light, t)
        })
        .collect()
}

fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// `n` colours spread over `palette` (first = lightest); one class gets the middle.
pub fn spread(palette: &[Rgb], n: usize) -> Vec<Rgb> {
    spread_index(palette.len(), n)
        .into_iter()
        .map(|i| palette[i])
        .collect()
}

fn spread_index(len: usize, n: usize) -> Vec<usize> {
    (0..n)
        .map(|i| {
            if n == 1 {
                len / 2
            } else {
                (i * (len - 1) + (n - 1) / 2) / (n - 1)
            }
        })
        .collect()
}

/// How a feature is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Symbol {
    /// A filled polygon (`fill` `None`: outline only).
    Fill {
        /// Fill colour, or none.
        fill: Option<Rgb>,
        /// Outline colour.
        outline: Rgb,
        /// Outline width, mm.
        outline_mm: f64,
        /// A dashed outline.
        dashed: bool,
    },
    /// A circle marker.
    Marker {
        /// Fill colour.
        fill: Rgb,
        /// Outline colour.
        outline: Rgb,
        /// Diameter, mm.
        size_mm: f64,
        /// A QGIS expression for the diameter (mm), overriding `size_mm`.
        size_expr: Option<String>,
    },
    /// A stroke.
    Line {
        /// Colour.
        colour: Rgb,
        /// Width, mm.
        width_mm: f64,
        /// Dashed.
        dashed: bool,
        /// A numeric field holding the offset (mm, to the left of the line's direction).
        offset_field: Option<String>,
        /// The drawing pass with symbol levels (higher is drawn later, on top).
        pass: u32,
    },
}

impl Symbol {
    /// A filled polygon with a thin grey outline.
    pub fn fill(c: Rgb) -> Symbol {
        Symbol::Fill {
            fill: Some(c),
            outline: (110, 110, 110),
            outline_mm: 0.15,
            dashed: false,
        }
    }

    /// A polygon drawn as its outline only.
    pub fn outline(c: Rgb, mm: f64) -> Symbol {
        Symbol::Fill {
            fill: None,
            outline: c,
            outline_mm: mm,
            dashed: false,
        }
    }

    /// A solid line.
    pub fn line(c: Rgb, mm: f64) -> Symbol {
        Symbol::Line {
            colour: c,
            width_mm: mm,
            dashed: false,
            offset_field: None,
            pass: 0,
        }
    }

    /// A circle with a white outline.
    pub fn marker(c: Rgb, mm: f64) -> Symbol {
        Symbol::Marker {
            fill: c,
            outline: (255, 255, 255),
            size_mm: mm,
            size_expr: None,
        }
    }

    /// The symbol's main colour (fill, marker or stroke; an outline-only fill's outline).
    pub fn colour(&self) -> Rgb {
        match self {
            Symbol::Fill { fill, outline, .. } => fill.unwrap_or(*outline),
            Symbol::Marker { fill, .. } => *fill,
            Symbol::Line { colour, .. } => *colour,
        }
    }

    fn kind(&self) -> GeomKind {
        match self {
            Symbol::Fill { .. } => GeomKind::Polygon,
            Symbol::Marker { .. } => GeomKind::Point,
            Symbol::Line { .. } => GeomKind::Line,
        }
    }
}

/// One class of a graduated style: `lower ≤ value ≤ upper` (QGIS takes the first class that
/// matches, so a value equal to a break falls into the lower class).
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// The legend text.
    pub label: String,
    /// How its features are drawn.
    pub symbol: Symbol,
}

/// One category of a categorised style.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// The value as written in the layer (`"hsr"`, `"60"` for the number 60).
    pub value: String,
    /// The legend text.
    pub label: String,
    /// How its features are drawn.
    pub symbol: Symbol,
}

/// One rule of a rule-based style: the features matching a QGIS filter expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The filter (`"mode" = 'hsr'`).
    pub filter: String,
    /// The legend text.
    pub label: String,
    /// How its features are drawn.
    pub symbol: Symbol,
}

/// How a layer's features get their symbols.
#[derive(Debug, Clone, PartialEq)]
pub enum Renderer {
    /// Every feature the same.
    Single(Symbol),
    /// Classes of a numeric field.
    Graduated {
        /// The field.
        field: String,
        /// How the breaks were chosen (QGIS's classification method id: `Fixed`, `Jenks`,
        /// `Quantile`).
        method: &'static str,
        /// The classes, lowest first.
        classes: Vec<Class>,
    },
    /// One symbol per value of a field.
    Categorized {
        /// The field.
        field: String,
        /// The categories.
        categories: Vec<Category>,
    },
    /// Filter expressions; with `levels`, symbols are drawn in the order of their line
    /// [`Symbol::Line::pass`] (symbol levels), else in feature order.
    Rules {
        /// The rules, in legend order.
        rules: Vec<Rule>,
        /// Draw with symbol levels.
        levels: bool,
    },
}

/// Where labels go and what they say.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// The field drawn (`name`, `name_zh`, `line_name`), or a QGIS expression when
    /// `expression` is set.
    pub field: String,
    /// `field` is a QGIS expression (for example one that names each core once).
    pub expression: bool,
    /// Whether they are shown when the layer opens (the settings stay either way, so the
    /// label button shows them).
    pub enabled: bool,
    /// Text size, points.
    pub size_pt: f64,
    /// A QGIS expression for the size (points), overriding `size_pt`.
    pub size_expr: Option<String>,
    /// A QGIS expression for the placement priority (0–10; higher wins a conflict).
    pub priority_expr: Option<String>,
    /// Lines: merge connected features with the same label and skip those shorter than this
    /// (mm), so labels appear only where they fit.
    pub min_feature_mm: f64,
    /// Bold text.
    pub bold: bool,
}

impl Labels {
    /// Labels on `field`, 8 pt, shown.
    pub fn on(field: &str) -> Labels {
        Labels {
            field: field.to_string(),
            expression: false,
            enabled: true,
            size_pt: 8.0,
            size_expr: None,
            priority_expr: None,
            min_feature_mm: 0.0,
            bold: false,
        }
    }
}

/// A layer's style: renderer, labels, opacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// The geometry it is for.
    pub kind: GeomKind,
    /// The renderer.
    pub renderer: Renderer,
    /// The labels, if any.
    pub labels: Option<Labels>,
    /// Layer opacity, 0–1.
    pub opacity: f64,
}

impl Style {
    /// A style without labels, fully opaque.
    pub fn new(kind: GeomKind, renderer: Renderer) -> Style {
        Style {
            kind,
            renderer,
            labels: None,
            opacity: 1.0,
        }
    }

    /// With these labels.
    pub fn with_labels(mut self, labels: Labels) -> Style {
        self.labels = Some(labels);
        self
    }

    /// Whether labels show when the layer opens.
    pub fn labels_enabled(&self) -> bool {
        self.labels.as_ref().is_some_and(|l| l.enabled)
    }

    /// The legend: each class, category or rule's text and symbol, in order.
    pub fn legend(&self) -> Vec<(&str, &Symbol)> {
        match &self.renderer {
            Renderer::Single(s) => vec![("", s)],
            Renderer::Graduated { classes, .. } => classes
                .iter()
                .map(|c| (c.label.as_str(), &c.symbol))
                .collect(),
            Renderer::Categorized { categories, .. } => categories
                .iter()
                .map(|c| (c.label.as_str(), &c.symbol))
                .collect(),
            Renderer::Rules { rules, .. } => rules
                .iter()
                .map(|r| (r.label.as_str(), &r.symbol))
                .collect(),
        }
    }

    /// The `.qml` sidecar.
    pub fn to_qml(&self) -> String {
        let mut x = String::from("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
        let _ = writeln!(
            x,
            r#"<qgis version="3.22.16" styleCategories="Symbology|Labeling|Rendering" labelsEnabled="{}">"#,
            u8::from(self.labels_enabled())
        );
        x.push_str(&self.layer_xml());
        let _ = writeln!(
            x,
            "  <layerGeometryType>{}</layerGeometryType>\n</qgis>",
            self.kind.layer_geometry_type()
        );
        x
    }

    /// The elements of the style inside a `<maplayer>` (or the `.qml`'s `<qgis>`): the
    /// renderer, the labels, the blend mode and the opacity; two-space indented.
    pub fn layer_xml(&self) -> String {
        let mut x = renderer_xml(&self.renderer);
        if let Some(l) = &self.labels {
            x.push_str(&labeling(self.kind, l));
        }
        let _ = writeln!(
            x,
            "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n  <layerOpacity>{}</layerOpacity>",
            show(self.opacity)
        );
        x
    }
}

fn renderer_xml(r: &Renderer) -> String {
    let mut x = String::new();
    match r {
        Renderer::Single(s) => {
            x.push_str(r#"  <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">"#);
            x.push_str("\n    <symbols>\n");
            x.push_str(&symbol("0", s));
            x.push_str("    </symbols>\n  </renderer-v2>\n");
        }
        Renderer::Graduated {
            field,
            method,
            classes,
        } => {
            let _ = writeln!(
                x,
                r#"  <renderer-v2 type="graduatedSymbol" attr="{}" graduatedMethod="GraduatedColor" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">"#,
                esc(field)
            );
            x.push_str("    <ranges>\n");
            for (i, c) in classes.iter().enumerate() {
                let _ = writeln!(
                    x,
                    r#"      <range lower="{}" upper="{}" symbol="{i}" label="{}" render="true"/>"#,
                    show(c.lower),
                    show(c.upper),
                    esc(&c.label)
                );
            }
            x.push_str("    </ranges>\n    <symbols>\n");
            for (i, c) in classes.iter().enumerate() {
                x.push_str(&symbol(&i.to_string(), &c.symbol));
            }
            x.push_str("    </symbols>\n");
            let _ = writeln!(
                x,
                r#"    <classificationMethod id="{method}">
      <symmetricMode enabled="0" symmetrypoint="0" astride="0"/>
      <labelFormat format="%1 – %2" labelprecision="0" trimtrailingzeroes="1"/>
      <parameters>
        <Option/>
      </parameters>
      <extraInformation/>
    </classificationMethod>
  </renderer-v2>"#
            );
        }
        Renderer::Categorized { field, categories } => {
            let _ = writeln!(
                x,
                r#"  <renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">"#,
                esc(field)
            );
            x.push_str("    <categories>\n");
            for (i, c) in categories.iter().enumerate() {
                let _ = writeln!(
                    x,
                    r#"      <category value="{}" symbol="{i}" label="{}" render="true"/>"#,
                    esc(&c.value),
                    esc(&c.label)
                );
            }
            x.push_str("    </categories>\n    <symbols>\n");
            for (i, c) in categories.iter().enumerate() {
                x.push_str(&symbol(&i.to_string(), &c.symbol));
            }
            x.push_str("    </symbols>\n  </renderer-v2>\n");
        }
        Renderer::Rules { rules, levels } => {
            let _ = writeln!(
                x,
                r#"  <renderer-v2 type="RuleRenderer" symbollevels="{}" enableorderby="0" forceraster="0" referencescale="-1">"#,
                u8::from(*levels)
            );
            x.push_str("    <rules key=\"{root}\">\n");
            for (i, r) in rules.iter().enumerate() {
                let _ = writeln!(
                    x,
                    r#"      <rule key="{{rule-{i}}}" symbol="{i}" label="{}" filter="{}"/>"#,
                    esc(&r.label),
                    esc(&r.filter)
                );
            }
            x.push_str("    </rules>\n    <symbols>\n");
            for (i, r) in rules.iter().enumerate() {
                x.push_str(&symbol(&i.to_string(), &r.symbol));
            }
            x.push_str("    </symbols>\n  </renderer-v2>\n");
        }
    }
    x
}

/// A data-defined property collection: `(property, field)` pairs (type 2) or
/// `(property, expression)` pairs (type 3).
fn dd_properties(tag: &str, indent: &str, props: &[(&str, &str, bool)]) -> String {
    let mut x = format!(
        "{indent}<{tag}>\n{indent}  <Option type=\"Map\">\n{indent}    <Option name=\"name\" type=\"QString\" value=\"\"/>\n"
    );
    if props.is_empty() {
        let _ = writeln!(x, "{indent}    <Option name=\"properties\"/>");
    } else {
        let _ = writeln!(x, "{indent}    <Option name=\"properties\" type=\"Map\">");
        for (name, value, is_field) in props {
            let _ = writeln!(x, "{indent}      <Option name=\"{name}\" type=\"Map\">");
            let _ = writeln!(
                x,
                "{indent}        <Option name=\"active\" type=\"bool\" value=\"true\"/>"
            );
            if *is_field {
                let _ = writeln!(
                    x,
                    "{indent}        <Option name=\"field\" type=\"QString\" value=\"{}\"/>\n{indent}        <Option name=\"type\" type=\"int\" value=\"2\"/>",
                    esc(value)
                );
            } else {
                let _ = writeln!(
                    x,
                    "{indent}        <Option name=\"expression\" type=\"QString\" value=\"{}\"/>\n{indent}        <Option name=\"type\" type=\"int\" value=\"3\"/>",
                    esc(value)
                );
            }
            let _ = writeln!(x, "{indent}      </Option>");
        }
        let _ = writeln!(x, "{indent}    </Option>");
    }
    let _ = writeln!(
        x,
        "{indent}    <Option name=\"type\" type=\"QString\" value=\"collection\"/>\n{indent}  </Option>\n{indent}</{tag}>"
    );
    x
}

/// One `<symbol>` with one symbol layer.
fn symbol(name: &str, s: &Symbol) -> String {
    let rgba = |(r, g, b): Rgb, a: u8| format!("{r},{g},{b},{a}");
    let mut dd: Vec<(&str, &str, bool)> = Vec::new();
    let mut pass = 0;
    let (class, options): (&str, Vec<(&str, String)>) = match s {
        Symbol::Fill {
            fill,
            outline,
            outline_mm,
            dashed,
        } => (
            "SimpleFill",
            vec![
                ("color", rgba(fill.unwrap_or((255, 255, 255)), 255)),
                ("joinstyle", "round".into()),
                ("outline_color", rgba(*outline, 255)),
                (
                    "outline_style",
                    if *dashed { "dash" } else { "solid" }.into(),
                ),
                ("outline_width", show(*outline_mm)),
                ("outline_width_unit", "MM".into()),
                ("style", if fill.is_some() { "solid" } else { "no" }.into()),
            ],
        ),
        Symbol::Marker {
            fill,
            outline,
            size_mm,
            size_expr,
        } => {
            if let Some(e) = size_expr {
                dd.push(("size", e, false));
            }
            (
                "SimpleMarker",
                vec![
                    ("color", rgba(*fill, 255)),
                    ("name", "circle".into()),
                    ("outline_color", rgba(*outline, 255)),
                    ("outline_style", "solid".into()),
                    ("outline_width", "0.3".into()),
                    ("outline_width_unit", "MM".into()),
                    ("size", show(*size_mm)),
                    ("size_unit", "MM".into()),
                ],
            )
        }
        Symbol::Line {
            colour,
            width_mm,
            dashed,
            offset_field,
            pass: p,
        } => {
            pass = *p;
            if let Some(f) = offset_field {
                dd.push(("offset", f, true));
            }
            (
                "SimpleLine",
                vec![
                    ("capstyle", "round".into()),
                    ("joinstyle", "round".into()),
                    ("line_color", rgba(*colour, 255)),
                    ("line_style", if *dashed { "dash" } else { "solid" }.into()),
                    ("line_width", show(*width_mm)),
                    ("line_width_unit", "MM".into()),
                    ("offset", "0".into()),
                    ("offset_unit", "MM".into()),
                ],
            )
        }
    };
    let mut x = format!(
        "      <symbol type=\"{}\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"{pass}\">\n          <Option type=\"Map\">\n",
        s.kind().symbol_type()
    );
    for (k, v) in options {
        let _ = writeln!(
            x,
            r#"            <Option name="{k}" type="QString" value="{}"/>"#,
            esc(&v)
        );
    }
    x.push_str("          </Option>\n");
    if !dd.is_empty() {
        x.push_str(&dd_properties("data_defined_properties", "          ", &dd));
    }
    x.push_str("        </layer>\n      </symbol>\n");
    x
}

/// The font families of every label and map: fonts with Chinese glyphs first, so that
/// `name_zh` renders wherever one of them is installed.
pub const FONT_FAMILIES: [&str; 7] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "DejaVu Sans",
    "Sans Serif",
];

/// Simple labels: dark text with a white halo, fonts that have Chinese glyphs first; points
/// around the point (cartographic placement), polygons inside only when they fit, lines along
/// the line, merged by label, only where the line is long enough.
fn labeling(kind: GeomKind, l: &Labels) -> String {
    // QgsPalLayerSettings::Placement: 1 OverPoint, 3 Line, 6 OrderedPositionsAroundPoint.
    let placement = match kind {
        GeomKind::Point => {
            r#"placement="6" dist="0.8" distUnits="MM" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR""#
        }
        GeomKind::Polygon => {
            r#"placement="1" centroidInside="1" centroidWhole="0" fitInPolygonOnly="1""#
        }
        GeomKind::Line => {
            r#"placement="3" placementFlags="10" dist="0.6" distUnits="MM" repeatDistance="0""#
        }
    };
    let wrap = if kind == GeomKind::Line { 0 } else { 18 };
    let (merge, min_size) = match kind {
        GeomKind::Line => (1, l.min_feature_mm),
        _ => (0, 0.0),
    };
    let families: String = FONT_FAMILIES
        .iter()
        .map(|f| format!("          <family name=\"{f}\"/>\n"))
        .collect();
    let mut dd: Vec<(&str, &str, bool)> = Vec::new();
    if let Some(e) = &l.priority_expr {
        dd.push(("Priority", e, false));
    }
    if let Some(e) = &l.size_expr {
        dd.push(("Size", e, false));
    }
    let (weight, named) = if l.bold {
        (75, "Bold")
    } else {
        (50, "Regular")
    };
    format!(
        r#"  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{}" isExpression="{}" fontFamily="{}" fontSize="{}" fontSizeUnit="Point" textColor="30,30,30,255" textOpacity="1" namedStyle="{named}" fontWeight="{weight}" fontItalic="0" fontUnderline="0" fontStrikeout="0" fontKerning="1" multilineHeight="1" allowHtml="0" useSubstitutions="0" capitalization="0" blendMode="0">
        <families>
{families}        </families>
        <text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/>
      </text-style>
      <text-format wrapChar="" autoWrapLength="{wrap}" useMaxLineLengthForAutoWrap="1" multilineAlign="3" formatNumbers="0" decimals="3" plussign="0"/>
      <placement {placement} priority="5" offsetType="0" xOffset="0" yOffset="0" rotationAngle="0"/>
      <rendering drawLabels="1" scaleVisibility="0" obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="{merge}" minFeatureSize="{}" limitNumLabels="0" maxNumLabels="2000" fontLimitPixelSize="0" zIndex="0" unplacedVisibility="0"/>
{}    </settings>
  </labeling>
"#,
        esc(&l.field),
        u8::from(l.expression),
        FONT_FAMILIES[0],
        show(l.size_pt),
        show(min_size),
        dd_properties("dd_properties", "      ", &dd)
    )
}

/// Classes `lower – upper unit` for `bounds` (increasing `(lower, upper)` pairs, contiguous
/// or not), with `symbols(i, n)` for class i of n.
pub fn classes_from_bounds(
    bounds: &[(f64, f64)],
    unit: &str,
    symbols: impl Fn(usize, usize) -> Symbol,
) -> Vec<Class> {
    let n = bounds.len();
    bounds
        .iter()
        .enumerate()
        .map(|(i, &(lower, upper))| {
            let text = if lower == upper {
                show(lower)
            } else {
                format!("{} – {}", show(lower), show(upper))
            };
            Class {
                lower,
                upper,
                label: if unit.is_empty() {
                    text
                } else {
                    format!("{text} {unit}")
                },
                symbol: symbols(i, n),
            }
        })
        .collect()
}

/// `(lower, upper)` pairs of consecutive bounds.
pub fn pairs(bounds: &[f64]) -> Vec<(f64, f64)> {
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Classes at multiples of a fixed step (minutes, shares of a fixed scale): the smallest of
/// `steps` that gives at most `max_classes` classes over the finite values, from the multiple
/// at or below the smallest value to the one at or above the largest. Classes without a value
/// are left out (a legend may then skip a step: no feature lies there), so every class has
/// features and means the same step in every run.
///
/// # Returns
/// `(lower, upper)` per class, increasing; one class `(v, v)` when every value is `v`; empty
/// when no value is finite. A value equal to a bound belongs to the lower class.
///
/// # Examples
/// ```
/// use regionlink::export::qml::fixed_classes;
/// let v: Vec<Option<f64>> = [95.0, 130.0, 150.0, 260.0].into_iter().map(Some).collect();
/// // 30-minute steps; no value lies in 180–240.
/// assert_eq!(
///     fixed_classes(&v, &[15.0, 30.0, 60.0], 6),
///     vec![(90.0, 120.0), (120.0, 150.0), (240.0, 270.0)]
/// );
/// ```
pub fn fixed_classes(values: &[Option<f64>], steps: &[f64], max_classes: usize) -> Vec<(f64, f64)> {
    let v = finite_sorted(values);
    let (Some(&min), Some(&max)) = (v.first(), v.last()) else {
        return Vec::new();
    };
    if min == max {
        return vec![(min + 0.0, max + 0.0)];
    }
    let mut chosen = None;
    for &s in steps {
        let lo = (min / s).floor();
        let hi = (max / s).ceil().max(lo + 1.0);
        chosen = Some((s, lo, hi));
        if (hi - lo) as usize <= max_classes {
            break;
        }
    }
    let Some((s, lo, hi)) = chosen else {
        return Vec::new();
    };
    let bounds: Vec<f64> = (lo as i64..=hi as i64)
        .map(|k| crate::export::table::round(k as f64 * s, 9))
        .collect();
    pairs(&bounds)
        .into_iter()
        .enumerate()
        .filter(|&(i, (a, b))| v.iter().any(|&x| (x > a || (i == 0 && x >= a)) && x <= b))
        .map(|(_, c)| c)
        .collect()
}

/// Natural-breaks (Fisher–Jenks) class bounds: the split of the sorted finite values into at
/// most `k` classes with the smallest sum of squared deviations from the class means (exact,
/// by dynamic programming; Jenks 1977), each break then moved to the roundest number between
/// the largest value of its class and the smallest of the next, and the outer bounds rounded
/// outward to a tenth of the order of magnitude of the range.
///
/// Over 2000 values, the quantile breaks of [`graduated`] are used instead (the exact split is
/// O(k·n²)).
///
/// # Returns
/// `(lower, upper)` per class, contiguous; fewer classes when there are fewer distinct values;
/// one class `(v, v)` when every value is `v`; empty when no value is finite.
///
/// # Examples
/// ```
/// use regionlink::export::qml::natural_classes;
/// let v: Vec<Option<f64>> = [1.0, 1.2, 1.1, 5.0, 5.3, 9.8, 10.0].into_iter().map(Some).collect();
/// assert_eq!(natural_classes(&v, 3), vec![(1.0, 3.0), (3.0, 8.0), (8.0, 10.0)]);
/// ```
pub fn natural_classes(values: &[Option<f64>], k: usize) -> Vec<(f64, f64)> {
    let v = finite_sorted(values);
    let (Some(&min), Some(&max)) = (v.first(), v.last()) else {
        return Vec::new();
    };
    if min == max {
        return vec![(min + 0.0, max + 0.0)];
    }
    if v.len() > 2000 {
        return pairs(&quantile_bounds(values, k));
    }
    let mut distinct = v.clone();
    distinct.dedup();
    let k = k.min(distinct.len()).max(1);
    let ends = jenks_ends(&v, k);
    let (lower, upper) = outer_bounds(min, max);
    let mut bounds = vec![lower];
    for &e in &ends[..ends.len() - 1] {
        let (a, b) = (v[e - 1], v[e]);
        if a < b {
            let x = nice_between(a, b, a / 2.0 + b / 2.0);
            if bounds.last().is_none_or(|&l| l < x) {
                bounds.push(x);
            }
        }
    }
    if bounds.last().is_some_and(|&l| l < upper) {
        bounds.push(upper);
    }
    pairs(&bounds)
}

/// The exclusive end index of each class of the optimal split of sorted `v` into `k` classes.
fn jenks_ends(v: &[f64], k: usize) -> Vec<usize> {
    let n = v.len();
    // Prefix sums for the sum of squared deviations of v[i..j].
    let mut s1 = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, x) in v.iter().enumerate() {
        s1[i + 1] = s1[i] + x;
        s2[i + 1] = s2[i] + x * x;
    }
    let ssd = |i: usize, j: usize| {
        let m = (j - i) as f64;
        let s = s1[j] - s1[i];
        (s2[j] - s2[i] - s * s / m).max(0.0)
    };
    // cost[c][j]: the best split of v[..j] into c + 1 classes; from[c][j]: where its last starts.
    let mut cost = vec![vec![f64::INFINITY; n + 1]; k];
    let mut from = vec![vec![0usize; n + 1]; k];
    for (j, c) in cost[0].iter_mut().enumerate().skip(1) {
        *c = ssd(0, j);
    }
    for c in 1..k {
        for j in (c + 1)..=n {
            for i in c..j {
                let x = cost[c - 1][i] + ssd(i, j);
                if x < cost[c][j] {
                    cost[c][j] = x;
                    from[c][j] = i;
                }
            }
        }
    }
    let mut ends = vec![n];
    let mut j = n;
    for c in (1..k).rev() {
        j = from[c][j];
        ends.push(j);
    }
    ends.reverse();
    ends.retain(|&e| e > 0);
    ends.dedup();
    ends
}

fn finite_sorted(values: &[Option<f64>]) -> Vec<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The quantile class bounds of [`graduated`] (see there).
pub fn quantile_bounds(values: &[Option<f64>], n: usize) -> Vec<f64> {
    let c = quantile_classes(values, n);
    match c.first() {
        None => Vec::new(),
        Some(f) => std::iter::once(f.0).chain(c.iter().map(|c| c.1)).collect(),
    }
}

/// A graduated renderer on `field` over `bounds`, coloured from `palette` (lightest first;
/// spread over the classes; reversed when `low_is_good`, so dark is always the good end). Lines
/// also get wider with the colour.
pub fn graduated_renderer(
    kind: GeomKind,
    field: &str,
    method: &'static str,
    bounds: &[(f64, f64)],
    low_is_good: bool,
    unit: &str,
) -> Renderer {
    let palette: &[Rgb] = if kind == GeomKind::Line {
        &LINE_RAMP
    } else {
        &POLYGON_RAMP
    };
    let n = bounds.len();
    let idx = spread_index(palette.len(), n);
    let classes = classes_from_bounds(bounds, unit, |i, n| {
        let k = if low_is_good { idx[n - 1 - i] } else { idx[i] };
        match kind {
            GeomKind::Polygon => Symbol::fill(palette[k]),
            GeomKind::Point => Symbol::Marker {
                fill: palette[k],
                outline: (60, 60, 60),
                size_mm: 3.0,
                size_expr: None,
            },
            GeomKind::Line => Symbol::line(palette[k], LINE_WIDTHS[k]),
        }
    });
    Renderer::Graduated {
        field: field.to_string(),
        method,
        classes,
    }
}

/// The neutral symbol of a layer without values.
pub fn neutral(kind: GeomKind) -> Symbol {
    match kind {
        GeomKind::Polygon => Symbol::fill((189, 189, 189)),
        GeomKind::Point => Symbol::marker((120, 120, 120), 2.0),
        GeomKind::Line => Symbol::line((150, 150, 150), 0.5),
    }
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
/// always the good end); for lines the width grows with the colour. Class labels read
/// `120 – 150 min` (`unit` after the numbers, left out when empty).
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
    let bounds = pairs(&quantile_bounds(values, CLASSES));
    let mut style = graduated_style(kind, field, "Quantile", &bounds, low_is_good, unit);
    if !label_field.is_empty() {
        style.labels = Some(Labels::on(label_field));
    }
    style.to_qml()
}

/// A graduated [`Style`] over `bounds` (see [`graduated_renderer`]), or a single neutral
/// symbol when there are no bounds.
pub fn graduated_style(
    kind: GeomKind,
    field: &str,
    method: &'static str,
    bounds: &[(f64, f64)],
    low_is_good: bool,
    unit: &str,
) -> Style {
    if bounds.is_empty() {
        return Style::new(kind, Renderer::Single(neutral(kind)));
    }
    Style::new(
        kind,
        graduated_renderer(kind, field, method, bounds, low_is_good, unit),
    )
}

/// A categorised style (e.g. links by mode): each category value with a colour and a label.
///
/// Colours come from a qualitative palette (ColorBrewer Dark2), in the order of
/// `categories`, repeating after 8; polygons are filled opaque, lines are 0.8 mm wide.
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
    let cats = categories
        .iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let c = QUALITATIVE[i % QUALITATIVE.len()];
            Category {
                value: value.clone(),
                label: label.clone(),
                symbol: match kind {
                    GeomKind::Polygon => Symbol::fill(c),
                    GeomKind::Point => Symbol::marker(c, 3.0),
                    GeomKind::Line => Symbol::line(c, 0.8),
                },
            }
        })
        .collect();
    let mut style = Style::new(
        kind,
        Renderer::Categorized {
            field: field.to_string(),
            categories: cats,
        },
    );
    if let Some(f) = label_field.filter(|f| !f.is_empty()) {
        style.labels = Some(Labels::on(f));
    }
    style.to_qml()
}

/// Qualitative (ColorBrewer Dark2, 8 classes; repeated for more categories).
const QUALITATIVE: [Rgb; 8] = [
    (27, 158, 119),
    (217, 95, 2),
    (117, 112, 179),
    (231, 41, 138),
    (102, 166, 30),
    (230, 171, 2),
    (166, 118, 29),
    (102, 102, 102),
];

/// The quantile classes of the finite values (see [`graduated`]); empty when there is none.
fn quantile_classes(values: &[Option<f64>], n: usize) -> Vec<(f64, f64)> {
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
        return vec![(x, x)];
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
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
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
        assert!(xml[first..].starts_with(r#"name="color" type="QString" value="12,44,132,255""#));
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
        // Five classes over the six widths: every width but the second lightest, thin to wide.
        for w in [0.5, 0.8, 1.4, 1.8, 2.2] {
            assert!(lines.contains(&format!(r#"name="line_width" type="QString" value="{w}""#)));
        }
        assert!(!lines.contains(r#"name="line_width" type="QString" value="1.1""#));
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
        let bounds: Vec<f64> = std::iter::once(a[0].0)
            .chain(a.iter().map(|c| c.1))
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
        // Opaque fills: each category shows on its own colour, not a blend.
        assert!(xml.contains(r#"value="27,158,119,255""#));
        // Special characters are escaped.
        let odd = vec![("a&b".to_string(), "<\"x\">".to_string())];
        let xml = categorized(GeomKind::Line, "mode", &odd, None);
        assert_balanced(&xml);
        assert!(xml.contains(r#"value="a&amp;b" symbol="0" label="&lt;&quot;x&quot;&gt;""#));
        assert!(xml.contains(r#"labelsEnabled="0""#));
    }
}
