// The public follow page's map: the case's point snapped to 100 m (a circle of that size, not a pin) on the
// platform's base map (jiceng/basemap.js) or the configured tiles. No address: it would say more than the
// 100 m cell does.
(function () {
  var el = document.getElementById("follow-map");
  if (!el || !window.L) return;
  var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
  var map = L.map(el, { attributionControl: false }).setView(at, 16);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(map);
  L.circle(at, { radius: 70, color: "#b71c1c", weight: 2, fillOpacity: 0.15, className: "follow-point" }).addTo(map);
})();
