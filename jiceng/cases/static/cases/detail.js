// The case page's small map: the case's grid (#outline) and the reported point (data-lat, data-lng).
(function () {
  var el = document.getElementById("case-map");
  if (!el || !window.L) return;
  var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
  var m = L.map(el).setView(at, 16);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(m);
  var o = JSON.parse(document.getElementById("outline").textContent);
  if (o && o.features && o.features.length) {
    var g = L.geoJSON(o, {
      style: { weight: 1.5, color: "#b71c1c", fillOpacity: 0.04 },
      onEachFeature: function (f, l) { l.bindTooltip(Jiceng.textNode(f.properties.name), { sticky: true }); }
    }).addTo(m);
    m.fitBounds(g.getBounds());
  }
  L.circleMarker(at, { radius: 7, color: "#b71c1c", fillOpacity: 0.8 }).addTo(m);
})();
