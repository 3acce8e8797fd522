// Workforce statistics: one bar chart per distribution; data from the json_script block (no inline script).
(function () {
  "use strict";
  var source = document.getElementById("workforce-charts");
  if (!source || typeof Plotly === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  charts.forEach(function (chart) {
    var el = document.getElementById(chart.id);
    if (!el) { return; }
    Plotly.newPlot(el, [{ type: "bar", x: chart.labels, y: chart.values, marker: { color: "#b71c1c" },
                          hovertemplate: "%{x}: %{y}<extra></extra>" }],
                   { margin: { t: 10, r: 10, b: 60, l: 40 }, height: 240, yaxis: { rangemode: "tozero" } },
                   { displayModeBar: false, responsive: true });
    el.dataset.drawn = "1";
  });
})();
