"""The walking network: storage, import from OpenStreetMap (pyosmium), the demo city's generated network,
and the in-process graph (scipy CSR + a KD-tree to snap points to nodes).

A network is one `WalkNetwork` row holding compressed numpy arrays; importing a newer extract writes a new
row and switches `active` in one transaction, so a failed import leaves the previous network in place and
nothing else (positions, buildings) refers to node ids: points are snapped when the graph is loaded.
"""

from __future__ import annotations

import dataclasses
import io
import math
import threading

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import ValidationFailed
from jiceng.core.geo.distance import haversine_m
from jiceng.core.scope import require_scope
from jiceng.orgs.models import Unit
from jiceng.stations.models import WalkNetwork

ARRAYS = ("node_lat", "node_lng", "node_osm", "edge_u", "edge_v", "edge_m", "edge_way")

# Ways a pedestrian may use (OSM highway values); motorways and trunks only with foot=yes.
WALK_HIGHWAYS = {
    "footway", "pedestrian", "path", "steps", "living_street", "residential", "service", "unclassified",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link", "track",
    "cycleway", "bridleway", "corridor", "crossing", "road", "sidewalk", "platform", "elevator",
}
NO_ACCESS = {"no", "private"}


def pedestrian_may_use(tags) -> bool:
    highway = tags.get("highway")
    if not highway:
        return False
    foot = tags.get("foot")
    if foot in NO_ACCESS or tags.get("access") in NO_ACCESS and foot not in ("yes", "designated", "permissive"):
        return False
    if highway in WALK_HIGHWAYS:
        return True
    return foot in ("yes", "designated", "permissive")


# --- packing -------------------------------------------------------------------------------------


def pack(arrays: dict) -> bytes:
    out = io.BytesIO()
    np.savez_compressed(out, **{k: arrays[k] for k in ARRAYS})
    return out.getvalue()


def unpack(data: bytes) -> dict:
    with np.load(io.BytesIO(bytes(data))) as z:
        return {k: z[k] for k in ARRAYS}


def build_arrays(node_lat, node_lng, node_osm, edge_u, edge_v, edge_m, edge_way) -> dict:
    return {"node_lat": np.asarray(node_lat, np.float64), "node_lng": np.asarray(node_lng, np.float64),
            "node_osm": np.asarray(node_osm, np.int64), "edge_u": np.asarray(edge_u, np.int32),
            "edge_v": np.asarray(edge_v, np.int32), "edge_m": np.asarray(edge_m, np.float64),
            "edge_way": np.asarray(edge_way, np.int64)}


def network_replace(*, actor, source: str, arrays: dict) -> WalkNetwork:
    """Store a network and make it the active one; the previous one is removed in the same transaction.
    Only the system or a city-wide writer may replace the city's network."""
    city = Unit.objects.filter(kind="city").order_by("id").first()
    if actor is not None:
        if city is None:
            raise ValidationFailed(_("Create the city first."), field="file")
        require_scope(actor, city.path, "structure")
    if len(arrays["edge_u"]) == 0:
        raise ValidationFailed(_("The extract has no ways a pedestrian may use."), field="file", code="no_walkways")
    with transaction.atomic():
        net = WalkNetwork.objects.create(source=source[:200], nodes=len(arrays["node_lat"]),
                                         edges=len(arrays["edge_u"]), data=pack(arrays), active=False)
        old = list(WalkNetwork.objects.filter(active=True).exclude(pk=net.pk).values_list("id", flat=True))
        WalkNetwork.objects.filter(pk__in=old).delete()
        WalkNetwork.objects.filter(pk=net.pk).update(active=True)
        # inside: import-time cycle, stations.services imports walknet
        from jiceng.stations.services import recompute_after_commit

        recompute_after_commit()
        audit_record(actor=actor, action="walknet.replace", obj=net, unit_path=city.path if city else "",
                     changes={"source": source[:200], "nodes": net.nodes, "edges": net.edges, "replaced": old})
    net.active = True
    return net


# --- OpenStreetMap import --------------------------------------------------------------------------


def read_osm(path: str) -> dict:
    """Arrays of the pedestrian network in an .osm/.osm.pbf file: ways split at junctions (nodes shared by
    ways, and way ends), each piece an edge whose length is the sum of its segments in metres."""
    import osmium

    refs_list, lat_list, lng_list, way_ids = [], [], [], []

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            if not pedestrian_may_use(w.tags):
                return
            refs, lats, lngs = [], [], []
            for n in w.nodes:
                if not n.location.valid():
                    continue
                refs.append(n.ref)
                lats.append(n.location.lat)
                lngs.append(n.location.lon)
            if len(refs) >= 2:
                refs_list.append(np.asarray(refs, np.int64))
                lat_list.append(np.asarray(lats))
                lng_list.append(np.asarray(lngs))
                way_ids.append(w.id)

    try:
        Ways().apply_file(path, locations=True)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ValidationFailed(_("This file is not an OpenStreetMap extract (.osm or .osm.pbf)."), field="file",
                               code="not_osm") from exc
    if not refs_list:
        raise ValidationFailed(_("The extract has no ways a pedestrian may use."), field="file", code="no_walkways")
    all_refs = np.concatenate(refs_list)
    uniq, counts = np.unique(all_refs, return_counts=True)
    junction = set(uniq[counts > 1].tolist())
    index: dict[int, int] = {}
    node_lat, node_lng, node_osm = [], [], []
    eu, ev, em, ew = [], [], [], []

    def node_of(ref, lat, lng):
        i = index.get(ref)
        if i is None:
            i = index[ref] = len(node_osm)
            node_osm.append(ref)
            node_lat.append(lat)
            node_lng.append(lng)
        return i

    for refs, lats, lngs, way in zip(refs_list, lat_list, lng_list, way_ids, strict=True):
        seg = haversine_m(lats[:-1], lngs[:-1], lats[1:], lngs[1:])
        cum = np.concatenate([[0.0], np.cumsum(seg)])
        cut = [0] + [k for k in range(1, len(refs) - 1) if int(refs[k]) in junction] + [len(refs) - 1]
        for a, b in zip(cut[:-1], cut[1:], strict=True):
            if refs[a] == refs[b] and b - a < 2:
                continue
            u = node_of(int(refs[a]), float(lats[a]), float(lngs[a]))
            v = node_of(int(refs[b]), float(lats[b]), float(lngs[b]))
            if u == v:
                continue
            eu.append(u)
            ev.append(v)
            em.append(float(cum[b] - cum[a]))
            ew.append(way)
    if not eu:
        raise ValidationFailed(_("The extract has no ways a pedestrian may use."), field="file", code="no_walkways")
    return build_arrays(node_lat, node_lng, node_osm, eu, ev, em, ew)


def network_import_osm(*, actor, path: str, source: str = "") -> WalkNetwork:
    return network_replace(actor=actor, source=source or path.rsplit("/", 1)[-1], arrays=read_osm(path))


# --- the demo city's generated network --------------------------------------------------------------


def generated_arrays(rings, buildings, *, gates_per_ring: int = 2) -> dict:
    """A deterministic walking network from the city's own geometry: streets along the given polygon
    rings (grid and compound outlines, noded where they cross or touch), gates from each compound's
    outline to the nearest street nodes, and a lane from each building (lat, lng) to its nearest node.

    `rings`: list of (kind, shapely Polygon) with kind "street" or "compound"."""
    import shapely
    from scipy.spatial import cKDTree

    street_lines = [p.exterior for kind, p in rings if kind == "street"]
    compound_polys = [p for kind, p in rings if kind == "compound"]
    noded = shapely.union_all(street_lines + [p.exterior for p in compound_polys], grid_size=1e-7)
    parts = shapely.get_parts(shapely.line_merge(noded)) if noded.geom_type != "LineString" else [noded]
    seg_a, seg_b = [], []
    for line in parts:
        xy = shapely.get_coordinates(line)
        seg_a.append(xy[:-1])
        seg_b.append(xy[1:])
    a = np.concatenate(seg_a)
    b = np.concatenate(seg_b)
    key = np.round(np.concatenate([a, b]), 7)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    u, v = inverse[: len(a)], inverse[len(a):]
    lng, lat = uniq[:, 0], uniq[:, 1]
    keep = u != v
    u, v = u[keep], v[keep]
    lengths = haversine_m(lat[u], lng[u], lat[v], lng[v])
    eu, ev, em = [u], [v], [lengths]
    scale = math.cos(math.radians(float(np.mean(lat))))
    tree = cKDTree(np.column_stack([lng * scale, lat]))
    # Gates and crossings: each compound's outline, and pieces of street that do not quite meet (slivers
    # between neighbouring grids), join the largest piece by their (up to) `gates_per_ring` shortest links.
    eu, ev, em = _join_pieces(lat, lng, scale, eu, ev, em, links=gates_per_ring)
    # Lanes: each building joins its nearest node.
    node_lat, node_lng = list(lat), list(lng)
    if len(buildings):
        blat, blng = np.asarray([x[0] for x in buildings]), np.asarray([x[1] for x in buildings])
        _d, j = tree.query(np.column_stack([blng * scale, blat]))
        first = len(node_lat)
        ids = np.arange(first, first + len(blat))
        node_lat.extend(blat)
        node_lng.extend(blng)
        eu.append(ids)
        ev.append(j)
        em.append(haversine_m(blat, blng, lat[j], lng[j]))
    n = len(node_lat)
    return build_arrays(node_lat, node_lng, np.zeros(n, np.int64), np.concatenate(eu), np.concatenate(ev),
                        np.concatenate(em), np.zeros(sum(len(x) for x in eu), np.int64))


def _join_pieces(lat, lng, scale, eu, ev, em, links: int = 3):
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = len(lat)
    u, v = np.concatenate(eu), np.concatenate(ev)
    graph = csr_from(n, u, v, np.ones(len(u)))
    count, label = connected_components(graph, directed=False)
    if count <= 1:
        return eu, ev, em
    giant = np.bincount(label).argmax()
    in_giant = np.flatnonzero(label == giant)
    others = np.flatnonzero(label != giant)
    tree = cKDTree(np.column_stack([lng[in_giant] * scale, lat[in_giant]]))
    d, j = tree.query(np.column_stack([lng[others] * scale, lat[others]]))
    order = np.lexsort((d, label[others]))
    taken: dict[int, int] = {}
    add_u, add_v = [], []
    for k in order:
        piece = int(label[others[k]])
        if taken.get(piece, 0) < links:
            taken[piece] = taken.get(piece, 0) + 1
            add_u.append(int(others[k]))
            add_v.append(int(in_giant[j[k]]))
    add_u, add_v = np.asarray(add_u), np.asarray(add_v)
    return (eu + [add_u], ev + [add_v], em + [haversine_m(lat[add_u], lng[add_u], lat[add_v], lng[add_v])])


# --- the graph in the process ---------------------------------------------------------------------


@dataclasses.dataclass
class Graph:
    network_id: int
    lat: np.ndarray
    lng: np.ndarray
    csr: object  # scipy.sparse.csr_matrix, symmetric, shortest parallel edge kept
    tree: object  # cKDTree over (lng * scale, lat)
    scale: float

    @property
    def n(self) -> int:
        return len(self.lat)

    def snap(self, lats, lngs) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node of each point and the straight distance to it in metres."""
        lats = np.atleast_1d(np.asarray(lats, np.float64))
        lngs = np.atleast_1d(np.asarray(lngs, np.float64))
        _d, j = self.tree.query(np.column_stack([lngs * self.scale, lats]))
        return j.astype(np.int64), haversine_m(lats, lngs, self.lat[j], self.lng[j])


def csr_from(n: int, u, v, w):
    """A symmetric CSR matrix; of parallel edges the shortest is kept (csr would add them up)."""
    from scipy.sparse import csr_matrix

    u = np.asarray(u, np.int64)
    v = np.asarray(v, np.int64)
    w = np.asarray(w, np.float64)
    a, b = np.concatenate([u, v]), np.concatenate([v, u])
    ww = np.concatenate([w, w])
    ww = np.maximum(ww, 1e-9)  # (a zero weight would be dropped as "no edge")
    order = np.lexsort((ww, b, a))
    a, b, ww = a[order], b[order], ww[order]
    first = np.ones(len(a), bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return csr_matrix((ww[first], (a[first], b[first])), shape=(n, n))


def graph_from_arrays(arrays: dict, network_id: int = 0) -> Graph:
    from scipy.spatial import cKDTree

    lat, lng = arrays["node_lat"], arrays["node_lng"]
    scale = math.cos(math.radians(float(np.mean(lat)))) if len(lat) else 1.0
    return Graph(network_id=network_id, lat=lat, lng=lng,
                 csr=csr_from(len(lat), arrays["edge_u"], arrays["edge_v"], arrays["edge_m"]),
                 tree=cKDTree(np.column_stack([lng * scale, lat])), scale=scale)


_lock = threading.Lock()
_cache: dict = {}


def active_graph() -> Graph | None:
    """The active network's graph, loaded once per process and reloaded when another network is active."""
    row = WalkNetwork.objects.filter(active=True).order_by("-id").values_list("id", flat=True).first()
    if row is None:
        return None
    with _lock:
        graph = _cache.get("graph")
        if graph is None or graph.network_id != row:
            data = WalkNetwork.objects.filter(pk=row).values_list("data", flat=True).first()
            if data is None:
                return None
            graph = graph_from_arrays(unpack(data), row)
            _cache["graph"] = graph
    return graph


def multi_source(graph: Graph, source_nodes, source_offsets, *, limit: float = np.inf):
    """Distance (metres) from every node to the nearest source, and which source (index, -1 = none).

    Each source i is a virtual leaf node joined to its snapped node by its offset, so that the access
    distance of a position is counted; one scipy Dijkstra with min_only over the virtual nodes."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    k = len(source_nodes)
    if k == 0:
        return np.full(graph.n, np.inf), np.full(graph.n, -1)
    n = graph.n
    coo = graph.csr.tocoo()
    virt = np.arange(n, n + k)
    off = np.maximum(np.asarray(source_offsets, np.float64), 1e-9)
    rows = np.concatenate([coo.row, virt, source_nodes])
    cols = np.concatenate([coo.col, source_nodes, virt])
    data = np.concatenate([coo.data, off, off])
    big = csr_matrix((data, (rows, cols)), shape=(n + k, n + k))
    dist, _pred, src = dijkstra(big, directed=True, indices=virt, min_only=True, return_predecessors=True,
                                limit=limit)
    which = np.where(src >= n, src - n, -1)
    return dist[:n], which[:n]
