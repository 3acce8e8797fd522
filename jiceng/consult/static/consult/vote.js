// The phone page's running total: what the chosen projects cost against the budget.
(function () {
  "use strict";
  var form = document.getElementById("vote-form");
  var budgetEl = document.getElementById("budget");
  if (!form || !budgetEl) { return; }
  var budget = parseFloat(budgetEl.dataset.budget);
  var totalEl = document.getElementById("total");
  var overEl = document.getElementById("over");
  function update() {
    var total = 0;
    form.querySelectorAll("input[name=options]:checked").forEach(function (box) {
      total += parseFloat(box.dataset.cost);
    });
    totalEl.textContent = total.toFixed(2);
    overEl.hidden = total <= budget;
  }
  form.addEventListener("change", update);
  update();
})();
