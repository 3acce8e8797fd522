// Buildings of a community: green within 15 minutes' walk of an open position, red farther.
(function () {
  var el = document.getElementById("coverage-map");
  if (!el || !window.L) return;
  var map = L.map(el, { attributionControl: false }).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], 14);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var layer = L.geoJSON(fc, { pointToLayer: function (f, ll) {
      return L.circleMarker(ll, { radius: 4, weight: 0, fillOpacity: 0.85,
        fillColor: f.properties.covered ? "#2b8a3e" : "#c92a2a" });
    }, onEachFeature: function (f, l) {
      var minutes = f.properties.minutes === null ? "—" : f.properties.minutes;
      l.bindTooltip(document.createTextNode(f.properties.name + " · " + minutes + " min · " + f.properties.residents));
    } }).addTo(map);
    if (fc.features.length) map.fitBounds(layer.getBounds());
    el.dataset.loaded = String(fc.features.length);
  });
})();
