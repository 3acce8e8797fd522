// The desk's map of open cases: the desk's grids (#outline) and one dot per open case (#points, a JSON
// string of [{code, lat, lng, category__name}]). Names and codes reach the map as text only.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var pts = JSON.parse(JSON.parse(document.getElementById("points").textContent));
  var m = L.map(el).setView([36.08, 111.52], 11);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(m);
  var o = JSON.parse(document.getElementById("outline").textContent), grids = null;
  if (o && o.features && o.features.length) {
    grids = L.geoJSON(o, {
      style: { weight: 1, color: "#b71c1c", fillOpacity: 0.03 },
      onEachFeature: function (f, l) { l.bindTooltip(Jiceng.textNode(f.properties.name), { sticky: true }); }
    }).addTo(m);
  }
  var bounds = [];
  pts.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 4 }).bindPopup(Jiceng.textNode(p.code + " " + p.category__name)).addTo(m);
    bounds.push([p.lat, p.lng]);
  });
  if (grids) m.fitBounds(grids.getBounds()); else if (bounds.length) m.fitBounds(bounds);
})();
