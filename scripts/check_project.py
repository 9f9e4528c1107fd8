#!/usr/bin/python3
"""Check what `regionlink run` wrote for QGIS the way QGIS 3.22 reads it (PyQGIS, headless).

    /usr/bin/python3 scripts/check_project.py OUT [--png project.png] [--gpkg-png-dir DIR]

OUT is a run's output directory. Checks, each a failure when it does not hold:

* OUT/regionlink.qgs opens; every layer is valid, from a relative path inside OUT, has the
  renderer of its .qml sidecar (and the same number of classes, categories or rules) and the
  labels the sidecar switches on; the groups are Base, Network, Measures (in that order), and
  the visible layers are the seats, the unit borders, the links and WATT;
* OUT/regionlink.gpkg lists every layer of the run plus the tables measures and od_matrix;
  every layer loads from it with its default style from `layer_styles` (the renderer of the
  .qml) and as many features as its .geojson;
* the project's view is the region's extent in a projected CRS (metres);
* each core's rings (isochrones_<core>) follow in band order and no two overlap (GEOS).

--png renders the project as it opens (visible layers in layer-tree order, the default view)
and --gpkg-png-dir renders each GeoPackage layer with its default style, to look at.
Exit 0 = pass, 1 = a check failed, 2 = QGIS could not be started.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ET

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer, QgsMapSettings,
                           QgsMapRendererCustomPainterJob, QgsRectangle, QgsLayerTreeLayer,
                           QgsCoordinateTransform, QgsProviderRegistry)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QImage, QPainter, QColor
except ImportError as e:  # pragma: no cover
    print("check_project: PyQGIS not available (%s); run with Debian's /usr/bin/python3" % e)
    sys.exit(2)

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL", msg)


def sidecar(out, name):
    """(renderer type, number of classes/categories/rules, labels on) of OUT/name.qml."""
    path = os.path.join(out, name + ".qml")
    root = ET.parse(path).getroot()
    r = root.find("renderer-v2")
    kind = r.get("type")
    n = len(r.findall("./ranges/range")) + len(r.findall("./categories/category")) + \
        len(r.findall("./rules/rule"))
    return kind, n, root.get("labelsEnabled") == "1"


def classes(layer):
    r = layer.renderer()
    t = r.type()
    if t == "graduatedSymbol":
        return len(r.ranges())
    if t == "categorizedSymbol":
        return len(r.categories())
    if t == "RuleRenderer":
        return len(r.rootRule().children())
    return 0


def check_style(where, layer, out, name):
    kind, n, labels = sidecar(out, name)
    if layer.renderer() is None or layer.renderer().type() != kind:
        fail("%s: renderer %s, expected %s (from %s.qml)" % (
            where, layer.renderer() and layer.renderer().type(), kind, name))
    elif classes(layer) != n:
        fail("%s: %d classes, expected %d" % (where, classes(layer), n))
    if layer.labelsEnabled() != labels:
        fail("%s: labels %s, expected %s" % (where, layer.labelsEnabled(), labels))


def render(layers, extent, crs, path, size=(1200, 900)):
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(crs)
    ms.setOutputSize(QSize(*size))
    ms.setExtent(extent)
    ms.setBackgroundColor(QColor("#ffffff"))
    ms.setFlag(QgsMapSettings.Antialiasing, True)
    ms.setFlag(QgsMapSettings.DrawLabeling, True)
    img = QImage(QSize(*size), QImage.Format_ARGB32_Premultiplied)
    img.fill(QColor("#ffffff"))
    p = QPainter(img)
    job = QgsMapRendererCustomPainterJob(ms, p)
    job.start()
    job.waitForFinished()
    p.end()
    img.save(path, "PNG")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--png")
    ap.add_argument("--gpkg-png-dir")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    app = QgsApplication([], False)
    app.initQgis()

    # ---- the project
    qgs = os.path.join(out, "regionlink.qgs")
    p = QgsProject.instance()
    if not p.read(qgs):
        fail("regionlink.qgs does not open: %s" % p.error())
        return finish()
    if not p.crs().isValid() or p.crs().isGeographic():
        fail("project CRS %s is not a projected CRS" % p.crs().authid())
    root = p.layerTreeRoot()
    groups = [g.name() for g in root.children()]
    print("project: CRS %s, groups %s" % (p.crs().authid(), groups))
    for must in (0, 1, 2):
        if len(groups) <= must:
            fail("project has groups %s, expected Base, Network, Measures first" % groups)
            break
    visible = []
    ordered = []
    for node in root.findLayers():
        layer = node.layer()
        if layer is None or not layer.isValid():
            fail("project layer %s is not valid" % node.name())
            continue
        src = layer.source().split("|")[0]
        if os.path.dirname(os.path.abspath(src)) != out:
            fail("project layer %s reads %s, outside the run's folder" % (node.name(), src))
        ordered.append(layer)
        name = os.path.splitext(os.path.basename(src))[0]
        if node.isVisible():
            visible.append(layer)
        if layer.id() == "unit_borders_layer":
            if layer.renderer().type() != "singleSymbol":
                fail("unit borders: renderer %s" % layer.renderer().type())
        else:
            check_style("project layer %s" % node.name(), layer, out, name)
        print("  %-10s %-55s %-18s %s" % (
            node.parent().name(), node.name(), layer.renderer().type(),
            "visible" if node.isVisible() else "hidden"))
    vis_ids = sorted(l.id() for l in visible)
    expect = sorted(i for i in ["seats_layer", "unit_borders_layer", "links_layer", "units_layer"]
                    if p.mapLayer(i) is not None)
    if vis_ids != expect:
        fail("visible layers %s, expected %s" % (vis_ids, expect))
    raw = open(qgs, encoding="utf-8").read()
    if "<Absolute type=\"bool\">false</Absolute>" not in raw:
        fail("project paths are not relative")
    # the raw file names only relative sources
    for ds in ET.parse(qgs).getroot().iter("datasource"):
        if not ds.text.startswith("./"):
            fail("datasource %s is not relative" % ds.text)
    ext = p.viewSettings().defaultViewExtent()
    if ext.isEmpty():
        fail("project has no default view extent")
    if a.png:
        render(visible, QgsRectangle(ext), p.crs(), a.png)
        print("project PNG: %s" % a.png)

    # ---- the GeoPackage
    gpkg = os.path.join(out, "regionlink.gpkg")
    layer_files = sorted(f[:-8] for f in os.listdir(out) if f.endswith(".geojson"))
    md = QgsProviderRegistry.instance().providerMetadata("ogr")
    subs = [s.name() for s in md.querySublayers(gpkg)]
    print("gpkg: %s" % subs)
    for t in layer_files + ["measures", "od_matrix"]:
        if t not in subs:
            fail("regionlink.gpkg lacks %s" % t)
    for name in layer_files:
        gl = QgsVectorLayer("%s|layername=%s" % (gpkg, name), name, "ogr")
        if not gl.isValid():
            fail("gpkg layer %s is not valid" % name)
            continue
        check_style("gpkg layer %s" % name, gl, out, name)
        gj = QgsVectorLayer(os.path.join(out, name + ".geojson"), name, "ogr")
        if gl.featureCount() != gj.featureCount():
            fail("gpkg layer %s: %d features, the GeoJSON %d" % (
                name, gl.featureCount(), gj.featureCount()))
        if [f.name() for f in gl.fields()][1:] != [f.name() for f in gj.fields()]:
            fail("gpkg layer %s: fields differ from the GeoJSON's" % name)
        if a.gpkg_png_dir:
            os.makedirs(a.gpkg_png_dir, exist_ok=True)
            e = gl.extent()
            e.scale(1.08)
            render([gl], e, gl.crs(), os.path.join(a.gpkg_png_dir, name + ".png"), (900, 700))
        print("  gpkg %-22s %-18s %d features" % (name, gl.renderer().type(), gl.featureCount()))
    # ---- the rings of each core (GEOS): in band order, no two overlapping
    for name in layer_files:
        if not name.startswith("isochrones_"):
            continue
        gl = QgsVectorLayer(os.path.join(out, name + ".geojson"), name, "ogr")
        feats = sorted(gl.getFeatures(), key=lambda f: f["band_min"])
        prev = 0
        for f in feats:
            if f["band_from_min"] != prev:
                fail("%s: ring %s starts at %s, expected %s" % (
                    name, f["band_min"], f["band_from_min"], prev))
            prev = f["band_min"]
        for i in range(len(feats)):
            for j in range(i + 1, len(feats)):
                a, b = feats[i].geometry(), feats[j].geometry()
                over = a.intersection(b).area()
                if over > 1e-6 * min(a.area(), b.area()):
                    fail("%s: rings %s and %s overlap by %g deg2" % (
                        name, feats[i]["band_min"], feats[j]["band_min"], over))
        print("  rings %-22s %d, none overlapping" % (name, len(feats)))
    for t in ("measures", "od_matrix"):
        tl = QgsVectorLayer("%s|layername=%s" % (gpkg, t), t, "ogr")
        if not tl.isValid() or tl.featureCount() == 0:
            fail("gpkg table %s does not load" % t)
    return finish()


def finish():
    print("check_project: %s" % ("%d failure(s)" % len(failures) if failures else "ok"))
    os._exit(1 if failures else 0)  # exitQgis() can segfault with layers alive (QGIS 3.22)


if __name__ == "__main__":
    main()
