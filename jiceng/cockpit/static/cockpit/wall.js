// The wall display (大屏, issue 18 item 11). The page is drawn once; every `data-every` seconds (30 by default)
// the figures and the two lists are fetched from /cockpit/wall/data and replaced in place (no reload, so the
// browser keeps its full screen and the map its view). A clock ticks in the banner; the lists scroll slowly
// when they are longer than their panel. All text reaches the DOM as text.
(function () {
  var root = document.getElementById("wall");
  if (!root) return;
  var source = document.getElementById("wall-data");
  var data = source ? JSON.parse(source.textContent) : null;
  var lang = document.documentElement.lang || "zh-hans";

  // --- clock ----------------------------------------------------------------------------------------
  var dateEl = document.getElementById("wall-date"), timeEl = document.getElementById("wall-time");
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = new Date();
    dateEl.textContent = now.toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric", weekday: "long" });
    timeEl.textContent = pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
  }
  tick();
  setInterval(tick, 1000);

  // --- refresh in place -----------------------------------------------------------------------------
  function row(cls, cells, late, title) {
    var li = document.createElement("li");
    li.className = cls + (late ? " late" : "");
    if (title) li.title = title;
    cells.forEach(function (text) {
      var span = document.createElement("span");
      span.textContent = text;
      li.appendChild(span);
    });
    return li;
  }
  function fill(list, rows, emptyId) {
    var items = rows.length ? rows : [(function () {
      var li = document.createElement("li");
      li.className = "wall-empty";
      li.textContent = document.getElementById(emptyId).content.textContent;
      return li;
    })()];
    list.replaceChildren.apply(list, items);
  }
  function apply(d) {
    document.getElementById("wall-as-of").textContent = d.as_of;
    d.figures.forEach(function (f) {
      var tile = root.querySelector('.wall-figure[data-key="' + f.key + '"] .wall-value');
      if (!tile || tile.textContent === f.value) return;
      tile.textContent = f.value;
      tile.classList.add("changed");
      setTimeout(function () { tile.classList.remove("changed"); }, 4000);
    });
    fill(document.getElementById("wall-cases"), d.cases.map(function (c) {
      return row("wall-case-row", [c.code, c.category, c.grid, c.status, c.at], c.late);
    }), "wall-empty-cases");
    fill(document.getElementById("wall-cards"), d.cards.map(function (c) {
      return row("wall-card-row", [c.kind, c.unit, c.deadline || "—"], c.late, c.title);
    }), "wall-empty-cards");
    root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1);
  }
  var stale = document.getElementById("wall-stale");
  function refresh() {
    return fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (d) { apply(d); stale.hidden = true; })
      .catch(function () { stale.hidden = false; });
  }
  var every = Math.max(5, Number(root.dataset.every) || 30) * 1000;
  setInterval(refresh, every);
  window.JicengWall = { refresh: refresh };

  // --- slow scrolling of long lists -----------------------------------------------------------------
  if (!window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    var boxes = root.querySelectorAll(".wall-scroll");
    setInterval(function () {
      boxes.forEach(function (box) {
        if (box.scrollHeight <= box.clientHeight + 2) { box.scrollTop = 0; return; }
        if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) {
          box.dataset.hold = String(Number(box.dataset.hold || 0) + 1);
          if (Number(box.dataset.hold) > 40) { box.scrollTop = 0; box.dataset.hold = "0"; }
        } else {
          box.scrollTop += 1;
        }
      });
    }, 60);
  }

  if (!data) return;
  var ink = "#c8dcff", rule = "rgba(30,111,217,.35)";

  // --- the map --------------------------------------------------------------------------------------
  var el = document.getElementById("wall-map");
  if (el && window.L) {
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, zoomControl: false, dragging: false,
                          scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false })
      .setView([36.08, 111.52], 9);
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    var fc = data.map;
    var layer = L.geoJSON(fc, {
      style: function (f) {
        return { color: "#00e5ff", weight: 1.5, opacity: 0.9, fillOpacity: el.dataset.tiles ? 0.6 : 0.85,
                 fillColor: f.properties.fill };
      },
      onEachFeature: function (f, l) {
        var div = document.createElement("div"), b = document.createElement("strong");
        b.textContent = f.properties.name;
        div.appendChild(b);
        div.appendChild(document.createElement("br"));
        div.appendChild(document.createTextNode(data.text.measure + ": " + f.properties.text));
        l.bindTooltip(div, { sticky: true });
      }
    }).addTo(map);
    if (fc.features.length <= 40) {
      fc.features.forEach(function (f) {
        var span = document.createElement("span");
        span.textContent = f.properties.name;
        L.marker(f.properties.label_at, { interactive: false, keyboard: false,
          icon: L.divIcon({ className: "wall-map-label", html: span, iconSize: null }) }).addTo(map);
      });
    }
    var fit = function () {
      map.invalidateSize();
      if (fc.features.length) map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    };
    fit();
    window.addEventListener("resize", fit);
    el.dataset.features = String(fc.features.length);
  }

  // --- the charts, in the same dark style -----------------------------------------------------------
  if (!window.Plotly) return;
  var config = { displayModeBar: false, responsive: true, staticPlot: true };
  function layout(extra) {
    return Object.assign({
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: ink, size: 17, family: getComputedStyle(document.body).fontFamily },
      margin: { l: 52, r: 12, t: 30, b: 44 }, showlegend: false
    }, extra);
  }
  var axis = { gridcolor: rule, zerolinecolor: rule, linecolor: rule, automargin: true };
  var months = document.getElementById("wall-chart-months");
  if (months) {
    var m = data.months;
    Plotly.newPlot(months, [
      { type: "bar", name: data.text.received, x: m.months, y: m.received,
        marker: { color: "rgba(0,229,255,.75)", line: { color: "#00e5ff", width: 1 } } },
      { type: "scatter", mode: "lines+markers", name: data.text.closed, x: m.months, y: m.closed,
        line: { color: "#ffd54f", width: 3 }, marker: { size: 7 } }
    ], layout({ xaxis: Object.assign({ type: "category", tickangle: -30 }, axis),
                yaxis: Object.assign({ rangemode: "tozero" },
                                     Math.max.apply(null, m.received.concat([0])) <= 5 ? { dtick: 1 } : {}, axis),
                showlegend: true,
                legend: { orientation: "h", x: 0, y: 1.18, font: { size: 16 } }, bargap: 0.3 }), config);
  }
  var scores = document.getElementById("wall-chart-scores");
  if (scores) {
    var b = data.bars;
    Plotly.newPlot(scores, [{
      type: "bar", x: b.names.map(Jiceng.plotText), y: b.scores, text: b.grades, textposition: "outside",
      cliponaxis: false, marker: { color: b.colours, line: { color: "#00e5ff", width: 1 } },
      textfont: { size: 18, color: "#fff" }
    }], layout({ xaxis: Object.assign({ type: "category", tickangle: b.names.length > 6 ? -30 : 0 }, axis),
                 yaxis: Object.assign({ range: [0, 110] }, axis), bargap: b.names.length <= 3 ? 0.55 : 0.3 }), config);
  }
})();
