"""The walking network as the streets of the platform's own base map (issue 18, item 2): registered
with network's base map at start-up (network sits below stations and cannot read the network itself)."""

import threading

import numpy as np

from jiceng.stations.models import WalkNetwork

_lock = threading.Lock()
_cache: dict = {}


def _arrays():
    """(node_lat, node_lng, edge_u, edge_v) of the active network, loaded once per process; None without one."""
    from jiceng.stations.walknet import unpack

    row = WalkNetwork.objects.filter(active=True).order_by("-id").values_list("id", flat=True).first()
    if row is None:
        return None
    with _lock:
        if _cache.get("id") != row:
            data = WalkNetwork.objects.filter(pk=row).values_list("data", flat=True).first()
            if data is None:
                return None
            a = unpack(data)
            u, v = a["edge_u"].astype(np.int64), a["edge_v"].astype(np.int64)
            lat, lng = a["node_lat"], a["node_lng"]
            _cache.update(id=row, lat=lat, lng=lng, u=u, v=v,
                          mid_lat=(lat[u] + lat[v]) / 2, mid_lng=(lng[u] + lng[v]) / 2)
        return _cache


def roads(south: float, west: float, north: float, east: float, z: int):
    """Edges of the active walking network whose midpoint lies in the box, as [[lng, lat], [lng, lat]];
    None when no network is imported (the base map then draws grid and compound edges)."""
    c = _arrays()
    if c is None:
        return None
    pick = np.nonzero((c["mid_lat"] >= south) & (c["mid_lat"] < north)
                      & (c["mid_lng"] >= west) & (c["mid_lng"] < east))[0]
    u, v, lat, lng = c["u"][pick], c["v"][pick], c["lat"], c["lng"]
    return [[[float(lng[a]), float(lat[a])], [float(lng[b]), float(lat[b])]] for a, b in zip(u, v, strict=True)]
