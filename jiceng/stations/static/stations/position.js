// A position's map with its walking isochrone (5, 10, 15 minutes) from the API.
(function () {
  var el = document.getElementById("position-map");
  var data = document.getElementById("position-data");
  if (!el || !data || !window.L) return;
  var p = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false }).setView([p.lat, p.lng], 15);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  L.marker([p.lat, p.lng]).addTo(map).bindTooltip(document.createTextNode(p.name));
  var shades = { 5: "#2b8a3e", 10: "#74b816", 15: "#fab005" };
  fetch(el.dataset.isochrone, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, { style: function (f) {
      return { color: shades[f.properties.minutes] || "#888", weight: 1, fillOpacity: 0.25 }; } }).addTo(map);
    if (fc.features.length) map.fitBounds(layer.getBounds());
    el.dataset.loaded = String(fc.features.length);
  });
})();
