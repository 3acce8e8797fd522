// The cockpit's map and charts (H1). Data come from the page (#cockpit-data): the map of the units one
// level below as GeoJSON with each unit's value, text and fill colour (the server classifies, so the
// legend and the colours agree), the score bars and the monthly case series. No base map unless a tile
// URL is configured (LEAFLET_CONFIG["TILES"]), so nothing leaves the machine by default.
(function () {
  var source = document.getElementById("cockpit-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var text = data.text;
  var wall = document.body.classList.contains("wall");
  var ink = wall ? "#e8e8e8" : "#222", rule = wall ? "#2a3350" : "#e3e3e3";

  function go(href) { if (href) window.location.href = href; }

  function tip(title, line) {
    var div = document.createElement("div"), b = document.createElement("strong");
    b.textContent = title;
    div.appendChild(b);
    div.appendChild(document.createElement("br"));
    div.appendChild(document.createTextNode(line));
    return div;
  }

  // --- the map -------------------------------------------------------------------------------------
  var el = document.getElementById("cockpit-map");
  if (el && window.L) {
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, zoomControl: !wall })
      .setView([36.08, 111.52], 9);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var fc = data.map;
    var layer = L.geoJSON(fc, {
      style: function (f) {
        return { color: wall ? "#0b1020" : "#ffffff", weight: 1.5, fillOpacity: el.dataset.tiles ? 0.7 : 1, fillColor: f.properties.fill };
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip(tip(p.name, text.measure + ": " + p.text), { sticky: true });
        if (p.href) {
          l.on("click", function () { go(p.href); });
          l.on("mouseover", function () { l.setStyle({ weight: 3 }); });
          l.on("mouseout", function () { l.setStyle({ weight: 1.5 }); });
        }
      }
    }).addTo(map);
    if (fc.features.length <= 40) {
      fc.features.forEach(function (f) {
        var span = document.createElement("span");
        span.textContent = f.properties.name;
        L.marker(f.properties.label_at, {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "cockpit-map-label", html: span, iconSize: null })
        }).addTo(map);
      });
    }
    var fit = function () {
      map.invalidateSize();
      if (fc.features.length) map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    };
    fit();
    window.addEventListener("resize", fit);
    el.dataset.features = String(fc.features.length);
  }

  // --- the charts ----------------------------------------------------------------------------------
  if (!window.Plotly) return;
  var config = { displayModeBar: false, responsive: true };
  function layout(extra) {
    return Object.assign({
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: ink, size: wall ? 13 : 12, family: getComputedStyle(document.body).fontFamily },
      margin: { l: 48, r: 12, t: 8, b: 40 }, hoverlabel: { namelength: -1 }
    }, extra);
  }
  var axis = { gridcolor: rule, zerolinecolor: rule, linecolor: rule, automargin: true };

  function counts(values) {  // whole-number ticks for small counts
    return Math.max.apply(null, values.concat([0])) <= 5 ? { dtick: 1, rangemode: "tozero" } : { rangemode: "tozero" };
  }

  var months = document.getElementById("chart-months");
  if (months) {
    var m = data.months;
    Plotly.newPlot(months, [
      { type: "bar", name: text.received, x: m.months, y: m.received, marker: { color: wall ? "#ffcc66" : "#b71c1c" },
        hovertemplate: "%{x}<br>" + text.received + ": %{y}<extra></extra>" },
      { type: "scatter", mode: "lines+markers", name: text.closed, x: m.months, y: m.closed,
        line: { color: wall ? "#66bb6a" : "#2e7d32", width: 3 },
        hovertemplate: "%{x}<br>" + text.closed + ": %{y}<extra></extra>" }
    ], layout({
      xaxis: Object.assign({ type: "category" }, axis), yaxis: Object.assign(counts(m.received), axis),
      legend: { orientation: "h", x: 0, y: 1.12 }, margin: { l: 48, r: 12, t: 28, b: 40 }, bargap: 0.25
    }), config);
  }

  var scores = document.getElementById("chart-scores");
  if (scores) {
    var b = data.bars;
    // plotly reads a small HTML subset in category labels and hover text: unit names go in escaped
    var names = b.names.map(Jiceng.plotText);
    Plotly.newPlot(scores, [{
      type: "bar", x: names, y: b.scores, text: b.grades, textposition: "outside", cliponaxis: false,
      marker: { color: b.colours },
      customdata: b.grades,
      hovertemplate: "%{x}<br>" + text.score + ": %{y:.1f}<br>" + text.grade + ": %{customdata}<extra></extra>"
    }], layout({
      xaxis: Object.assign({ type: "category", tickangle: names.length > 8 ? -35 : 0 }, axis),
      yaxis: Object.assign({ range: [0, 105], title: { text: text.score } }, axis),
      bargap: b.names.length <= 3 ? 0.6 : 0.25
    }), config);
    scores.on("plotly_click", function (ev) { go(b.hrefs[ev.points[0].pointIndex]); });
  }
})();
