// The grid map: grids of a unit coloured by one figure. No base map unless a tile URL is configured
// (LEAFLET_CONFIG["TILES"], e.g. an intranet map service), so nothing leaves the machine by default.
(function () {
  var el = document.getElementById("grid-map");
  if (!el || !window.L) return;
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false })
    .setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], 11);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var colours = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];
  var status = document.getElementById("map-status");
  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var values = fc.features.map(function (f) { return f.properties.value || 0; });
    var max = Math.max.apply(null, values.concat([1]));
    // k classes of equal width over 0..max (fewer when the values are small integers)
    var k = Math.min(colours.length, Math.floor(max) + 1);
    function cls(v) { return Math.min(k - 1, Math.floor(v * k / (max + 1))); }
    function shade(i) { return colours[k > 1 ? Math.round(i * (colours.length - 1) / (k - 1)) : colours.length - 1]; }
    function colour(v) { return shade(cls(v)); }
    var layer = L.geoJSON(fc, {
      style: function (f) {
        return { color: "#555", weight: 1, fillOpacity: 0.75, fillColor: colour(f.properties.value || 0) };
      },
      onEachFeature: function (f, l) {
        var a = document.createElement("a");
        a.href = el.dataset.gridUrl.replace("000", f.properties.code);
        a.textContent = f.properties.name + " (" + f.properties.value + ")";
        l.bindPopup(a);
      }
    }).addTo(map);
    if (fc.features.length) map.fitBounds(layer.getBounds());
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      for (var i = 0; i < k; i++) {
        var lo = Math.ceil(i * (max + 1) / k);
        var swatch = document.createElement("i");
        swatch.style.background = shade(i);
        div.appendChild(swatch);
        div.appendChild(document.createTextNode(lo + (i === k - 1 ? "+" : "–" + (Math.ceil((i + 1) * (max + 1) / k) - 1))));
        div.appendChild(document.createElement("br"));
      }
      return div;
    };
    legend.addTo(map);
    el.dataset.loaded = String(fc.features.length);
    status.textContent = (status.dataset.loaded || "{n}").replace("{n}", fc.features.length.toLocaleString("zh-CN"));
  }).catch(function () { status.textContent = status.dataset.failed || ""; });
})();
