// Bar chart of a ballot's votes; winners in red. Data from json_script, titles set as text by Plotly.
(function () {
  "use strict";
  var el = document.getElementById("result-chart");
  var data = document.getElementById("result-data");
  if (!el || !data || typeof Plotly === "undefined") { return; }
  var rows = JSON.parse(data.textContent);
  Plotly.newPlot(el, [{
    type: "bar", orientation: "h",
    // Plotly reads a few HTML-like tags in labels: neutralize "<" so a title stays plain text.
    y: rows.map(function (r) { return String(r.title).replace(/</g, "\uFF1C"); }).reverse(),
    x: rows.map(function (r) { return r.votes; }).reverse(),
    marker: {color: rows.map(function (r) { return r.won ? "#c8102e" : "#bbbbbb"; }).reverse()},
    name: el.dataset.votesLabel
  }], {margin: {l: 160, r: 20, t: 10, b: 30}, height: 40 + rows.length * 28}, {displayModeBar: false, responsive: true});
})();
