// Suggested sites on a map, each with the residents it would cover.
(function () {
  var el = document.getElementById("siting-map");
  var data = document.getElementById("siting-data");
  if (!el || !data || !window.L) return;
  var s = JSON.parse(data.textContent).suggestions;
  var map = L.map(el, { attributionControl: false }).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], 13);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
  var group = L.featureGroup();
  s.forEach(function (x) {
    group.addLayer(L.circleMarker([x.lat, x.lng], { radius: 8, color: "#e67700", fillOpacity: 0.8 })
      .bindTooltip(document.createTextNode(x.name + " · " + x.residents), { permanent: false }));
  });
  group.addTo(map);
  if (s.length) map.fitBounds(group.getBounds(), { maxZoom: 16 });
})();
