"""Benchmark: nearest-position walking distance for every node of a walking network of >= 200,000 nodes
with 430 positions (issue 12).

    python bench/coverage.py [--side 450] [--positions 430]

Stores a street lattice with irregular blocks (jittered crossings, about a tenth of the streets missing)
as the active `WalkNetwork` in a PostgreSQL database of its own (`DATABASE_URL`, default
postgres://postgres@127.0.0.1:5432/jiceng_bench_coverage, created and dropped here), loads it the way the
application does (`walknet.active_graph`), snaps 430 positions and times `walknet.multi_source` (scipy's
Dijkstra with min_only over one virtual leaf per position). The same distances by networkx's
multi_source_dijkstra_path_length on the same graph, in the same run, must agree on every node.
Prints one JSON object as its last line: name, nodes, edges, positions, seconds, networkx_seconds,
ratio_to_networkx, max_abs_diff_m, agree.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import setup_database, teardown_database  # noqa: E402

NAME = "coverage"


def lattice(side: int, rng):
    import numpy as np

    from jiceng.stations import walknet

    step_lat, step_lng = 80 / 111_195.0, 80 / (111_195.0 * np.cos(np.radians(36.08)))
    r, c = np.divmod(np.arange(side * side), side)
    lat = 36.0 + r * step_lat + rng.uniform(-0.25, 0.25, side * side) * step_lat
    lng = 111.4 + c * step_lng + rng.uniform(-0.25, 0.25, side * side) * step_lng
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.random(len(u)) > 0.1
    u, v = u[keep], v[keep]
    m = walknet.haversine_m(lat[u], lng[u], lat[v], lng[v]) * rng.uniform(1.0, 1.3, len(u))  # ways bend
    return walknet.build_arrays(lat, lng, np.zeros(len(lat)), u, v, m, np.zeros(len(u)))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=int, default=450)
    ap.add_argument("--positions", type=int, default=430)
    args = ap.parse_args(argv)
    url, created = setup_database(NAME)
    try:
        import networkx as nx
        import numpy as np

        from jiceng.stations import walknet

        rng = np.random.default_rng(12)
        arrays = lattice(args.side, rng)
        walknet.network_replace(actor=None, source="bench lattice", arrays=arrays)
        t = time.perf_counter()
        graph = walknet.active_graph()
        load_s = time.perf_counter() - t
        pick = rng.choice(graph.n, args.positions, replace=False)
        p_lat = graph.lat[pick] + rng.uniform(-2e-4, 2e-4, len(pick))
        p_lng = graph.lng[pick] + rng.uniform(-2e-4, 2e-4, len(pick))
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            nodes, offsets = graph.snap(p_lat, p_lng)
            dist, which = walknet.multi_source(graph, nodes, offsets)
            runs.append(time.perf_counter() - t)
        seconds = min(runs)

        # networkx on the same graph (shortest of parallel edges, as the CSR keeps), with the same
        # virtual leaf per position so the access distances count the same way.
        coo = graph.csr.tocoo()
        g = nx.Graph()
        g.add_nodes_from(range(graph.n + len(nodes)))
        g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
        virt = list(range(graph.n, graph.n + len(nodes)))
        g.add_weighted_edges_from((vn, int(n), float(max(o, 1e-9))) for vn, n, o in zip(virt, nodes, offsets,
                                                                                         strict=True))
        t = time.perf_counter()
        ref = nx.multi_source_dijkstra_path_length(g, set(virt))
        nx_seconds = time.perf_counter() - t
        want = np.full(graph.n, np.inf)
        for node, d in ref.items():
            if node < graph.n:
                want[node] = d
        both = np.isfinite(want) & np.isfinite(dist)
        agree = bool((np.isfinite(want) == np.isfinite(dist)).all()
                     and np.allclose(dist[both], want[both], rtol=1e-9, atol=1e-6))
        out = {"name": NAME, "nodes": graph.n, "edges": int(len(arrays["edge_u"])), "positions": int(len(nodes)),
               "seconds": round(seconds, 3), "load_seconds": round(load_s, 3),
               "networkx_seconds": round(nx_seconds, 3), "ratio_to_networkx": round(nx_seconds / seconds, 1),
               "max_abs_diff_m": float(np.max(np.abs(dist[both] - want[both]))) if both.any() else 0.0,
               "reached": int(np.isfinite(dist).sum()), "agree": agree}
        print(json.dumps(out))
        return 0 if agree and out["seconds"] <= 2 and out["ratio_to_networkx"] >= 10 else 1
    finally:
        teardown_database(url, created)


if __name__ == "__main__":
    sys.exit(main())
