// Draws the Plotly figures a page carries as JSON: <script type="application/json" class="js-chart" data-target="id">.
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll("script.js-chart").forEach(function (data) {
    var target = document.getElementById(data.dataset.target);
    if (!target) { return; }
    var figure = JSON.parse(data.textContent);
    target.classList.add("chart-drawn");
    window.Plotly.newPlot(target, figure.data, figure.layout, {
      responsive: true, displaylogo: false,
      locale: document.documentElement.lang === "id" ? "id" : "en"
    });
  });
})();
