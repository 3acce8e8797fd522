// The phone-sized report form (residents) and patrol form (grid workers): a map to put a pin, the
// position of the phone, and the SMS-code button. Settings come from data-* attributes of #pin and
// the outline from #outline (json_script); unit names reach the map as text only.
(function () {
  var el = document.getElementById("pin");
  var lat = document.getElementById("lat"), lng = document.getElementById("lng"), where = document.getElementById("where");
  if (el && window.L) {
    var map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], parseInt(el.dataset.zoom, 10));
    var marker = null;
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(map);
    var source = document.getElementById("outline");
    var outline = source ? JSON.parse(source.textContent || "null") : null;
    if (outline && outline.features && outline.features.length) {
      var layer = L.geoJSON(outline, {
        style: { weight: 1.5, color: "#b71c1c", fillOpacity: 0.04 },
        onEachFeature: function (f, l) { l.bindTooltip(Jiceng.textNode(f.properties.name), { sticky: true }); }
      }).addTo(map);
      if (el.dataset.fit) map.fitBounds(layer.getBounds());
    }
    var put = function (a, b) {
      lat.value = a.toFixed(6); lng.value = b.toFixed(6); where.textContent = lat.value + ", " + lng.value;
      if (marker) marker.setLatLng([a, b]); else marker = L.marker([a, b]).addTo(map);
      if (window.htmx) htmx.trigger("#category", "change");
    };
    map.on("click", function (e) { put(e.latlng.lat, e.latlng.lng); });
    var locate = document.getElementById("locate");
    if (locate) locate.addEventListener("click", function () {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (p) {
        put(p.coords.latitude, p.coords.longitude);
        map.setView([p.coords.latitude, p.coords.longitude], 16);
      });
    });
    if (lat.value && lng.value) put(parseFloat(lat.value), parseFloat(lng.value));
  }
  // The SMS-code button: a refusal (4xx, e.g. a wrong number or too many codes) is shown, not dropped.
  var send = document.getElementById("send-code");
  if (send) send.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
})();
