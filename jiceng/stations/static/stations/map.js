// Service positions on a map, one colour per level; names reach the DOM as text only.
(function () {
  var el = document.getElementById("positions-map");
  var data = document.getElementById("positions-data");
  if (!el || !data || !window.L) return;
  var markers = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false }).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], 11);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var colours = { city: "#a61e4d", county: "#862e9c", street: "#1864ab", community: "#0b7285", station: "#e67700" };
  var group = L.featureGroup();
  markers.forEach(function (m) {
    var mk = L.circleMarker([m.lat, m.lng], { radius: m.level === "station" ? 5 : 7, weight: 1, color: "#333",
      fillColor: colours[m.level] || "#555", fillOpacity: m.state === "open" ? 0.9 : 0.3 });
    var a = document.createElement("a");
    a.href = m.url;
    a.textContent = m.name;
    mk.bindPopup(a);
    mk.bindTooltip(document.createTextNode(m.name));
    group.addLayer(mk);
  });
  group.addTo(map);
  if (markers.length) map.fitBounds(group.getBounds(), { maxZoom: 15 });
  el.dataset.loaded = String(markers.length);
})();
