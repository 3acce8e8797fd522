// Choosing a central household's neighbours on a map (issue 15, item 1): the grid's households are dots (the
// households of one building share their building's dot when they have no point of their own); a click
// ticks the dot's households in the form's list beside the map, or unticks them when all are ticked (the
// list stays the form: the map helps to choose), and ticking boxes in the list colours the dots.
(function () {
  var el = document.getElementById("households-map");
  var data = document.getElementById("household-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var form = document.getElementById(el.dataset.form);
  if (!form || !points.length) { el.hidden = true; return; }
  var map = L.map(el, { attributionControl: false });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(map);
  function box(id) { return form.querySelector('input[name="households"][value="' + id + '"]'); }
  // the view first: Leaflet draws no vector layer on a map without one
  map.fitBounds(points.map(function (p) { return [p.lat, p.lng]; }), { padding: [20, 20], maxZoom: 18 });
  points.forEach(function (p) {
    var inputs = p.ids.map(box).filter(Boolean);
    if (!inputs.length) return;
    var marker = L.circleMarker([p.lat, p.lng], { radius: 7 + Math.min(inputs.length, 8), weight: 2,
                                                   className: "household-dot" }).addTo(map);
    function all() { return inputs.every(function (i) { return i.checked; }); }
    function some() { return inputs.some(function (i) { return i.checked; }); }
    function paint() {
      var on = all(), part = !on && some();
      marker.setStyle({ color: on || part ? "#b71c1c" : "#546e7a", fillColor: on ? "#e53935" : (part ? "#ef9a9a" : "#ffffff"),
                        fillOpacity: 0.85 });
      marker.getElement().setAttribute("data-state", on ? "all" : (part ? "some" : "none"));
    }
    marker.getElement().setAttribute("data-households", p.ids.join(","));
    marker.bindTooltip(p.names.join("、"));
    paint();
    marker.on("click", function () {
      var tick = !all();
      inputs.forEach(function (i) { i.checked = tick; });
      paint();
    });
    inputs.forEach(function (i) { i.addEventListener("change", paint); });
  });
})();
