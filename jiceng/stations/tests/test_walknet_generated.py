"""The demo city's walking network is made from its own geometry: deterministic, connected, in metres."""

import numpy as np
import shapely
from scipy.sparse.csgraph import connected_components

from jiceng.stations import walknet


def geometry():
    a = shapely.box(111.40, 36.00, 111.41, 36.01)
    b = shapely.box(111.41, 36.00, 111.42, 36.005)  # shares part of a's east edge (a T-junction)
    c = shapely.box(111.4101, 36.0051, 111.42, 36.01)  # leaves a 10 m sliver beside b and a
    compound = a.buffer(-0.002)
    rings = [("street", a), ("street", b), ("street", c), ("compound", compound)]
    buildings = [(36.005, 111.405), (36.003, 111.415)]
    return rings, buildings


def test_it_is_deterministic_and_connected():
    rings, buildings = geometry()
    one = walknet.generated_arrays(rings, buildings)
    two = walknet.generated_arrays(rings, buildings)
    for key in walknet.ARRAYS:
        np.testing.assert_array_equal(one[key], two[key])
    graph = walknet.graph_from_arrays(one)
    assert connected_components(graph.csr, directed=False)[0] == 1
    # the buildings are the last nodes, each joined by one lane
    assert list(zip(one["node_lat"][-2:], one["node_lng"][-2:], strict=True)) == buildings


def test_walking_around_a_block_is_its_perimeter():
    from scipy.sparse.csgraph import dijkstra

    rings, _b = geometry()
    arrays = walknet.generated_arrays(rings[:1], [])
    graph = walknet.graph_from_arrays(arrays)
    corners, _off = graph.snap([36.00, 36.01], [111.40, 111.41])
    d = dijkstra(graph.csr, directed=False, indices=int(corners[0]))[int(corners[1])]
    east = walknet.haversine_m(36.0, 111.40, 36.0, 111.41)[()]
    north = walknet.haversine_m(36.0, 111.40, 36.01, 111.40)[()]
    assert abs(d - (east + north)) < 0.5
