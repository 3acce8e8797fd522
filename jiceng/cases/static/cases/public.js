// The public cases map: one circle per 100 m cell (red while a case there is being handled, green when
// all are finished), the count and kinds in a tooltip. Data come from json_script and reach the map
// as text only.
(function () {
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  var map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], 11);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(map);
  var read = function (id) { var s = document.getElementById(id); return s ? JSON.parse(s.textContent || "null") : null; };
  var outline = read("outline");
  if (outline && outline.features && outline.features.length) {
    L.geoJSON(outline, {
      style: { weight: 1, color: "#607d8b", fillOpacity: 0.03 },
      onEachFeature: function (f, l) { l.bindTooltip(Jiceng.textNode(f.properties.name), { sticky: true }); }
    }).addTo(map);
  }
  // finished cells first, so that cells with cases being handled are drawn on top
  var points = (read("public-points") || []).sort(function (a, b) { return (a.open > 0) - (b.open > 0); });
  var bounds = [];
  points.forEach(function (p) {
    var n = p.open + p.closed;
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: Math.min(9, 3 + 1.5 * Math.log(n + 1)), weight: 1,
      color: p.open ? "#b71c1c" : "#2e7d32", fillOpacity: 0.6, className: "public-point"
    }).addTo(map);
    var text = p.categories.join("、") + " · " + (p.open ? p.open + " " + el.dataset.openLabel : "") +
      (p.open && p.closed ? "，" : "") + (p.closed ? p.closed + " " + el.dataset.closedLabel : "");
    marker.bindTooltip(Jiceng.textNode(text));
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length > 1) map.fitBounds(bounds, { maxZoom: 15, padding: [12, 12] });
})();
