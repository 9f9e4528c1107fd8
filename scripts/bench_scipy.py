#!/usr/bin/env python3
"""One full shortest-path tree with scipy.sparse.csgraph on a regionlink road graph, for the
comparison quoted in README.md ("Large networks").

Usage: python3 scripts/bench_scipy.py DIR [REPEATS]
  DIR holds nodes.csv + edges.csv in osm4routing's layout (e.g. from `regionlink synth`).
Edge times use regionlink's default [roads] speeds (km/h), so the graph is the one regionlink
searches (before its largest-SCC filter, which keeps every node of a `synth` graph).
Prints the median and minimum seconds per tree over REPEATS (default 10) sources.
"""
import sys
import time

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

SPEED = {"Motorway": 90.0, "Trunk": 70.0, "Primary": 55.0, "Secondary": 45.0,
         "Tertiary": 35.0, "Residential": 25.0}


def main():
    d = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    nodes = pd.read_csv(f"{d}/nodes.csv", usecols=["id"])
    edges = pd.read_csv(f"{d}/edges.csv",
                        usecols=["source", "target", "length", "car_forward", "car_backward"])
    index = pd.Series(np.arange(len(nodes)), index=nodes["id"].values)
    s = index[edges["source"].values].values
    t = index[edges["target"].values].values
    rows, cols, w = [], [], []
    for a, b, col in ((s, t, "car_forward"), (t, s, "car_backward")):
        kmh = edges[col].map(SPEED)
        ok = kmh.notna().values
        rows.append(a[ok])
        cols.append(b[ok])
        w.append((edges["length"].values[ok] / 1000.0 / kmh.values[ok] * 60.0))
    n = len(nodes)
    # Parallel arcs: keep the fastest (csr_matrix would add them up).
    arcs = pd.DataFrame({"r": np.concatenate(rows), "c": np.concatenate(cols),
                         "w": np.concatenate(w)}).groupby(["r", "c"], sort=False)["w"].min()
    r, c = arcs.index.get_level_values(0).values, arcs.index.get_level_values(1).values
    g = csr_matrix((arcs.values, (r, c)), shape=(n, n))
    rng = np.random.default_rng(1)
    times = []
    for src in rng.integers(0, n, repeats):
        t0 = time.perf_counter()
        dist = dijkstra(g, directed=True, indices=int(src))
        times.append(time.perf_counter() - t0)
        assert np.isfinite(dist).sum() > 0.99 * n
    print(f"scipy {__import__('scipy').__version__}: {n} nodes, {g.nnz} arcs; one full tree: "
          f"median {np.median(times):.3f} s, min {min(times):.3f} s over {repeats} sources")


if __name__ == "__main__":
    main()
