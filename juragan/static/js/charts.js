// Draws the Plotly figures a page carries as JSON: <script type="application/json" class="js-chart" data-target="id">.
// A point whose customdata is a URL (or starts with one) opens it when clicked.
(function () {
  "use strict";
  // On a phone the figures come first: unused filters fold away (one tap opens them).
  document.querySelectorAll("details.js-filters:not([data-active])").forEach(function (box) {
    if (window.matchMedia("(max-width: 767.98px)").matches) { box.open = false; }
  });
  if (!window.Plotly) { return; }
  document.querySelectorAll("script.js-chart").forEach(function (data) {
    var target = document.getElementById(data.dataset.target);
    if (!target) { return; }
    var figure = JSON.parse(data.textContent);
    target.classList.add("chart-drawn");
    window.Plotly.newPlot(target, figure.data, figure.layout, {
      responsive: true, displaylogo: false,
      locale: document.documentElement.lang === "id" ? "id" : "en"
    }).then(function () {
      target.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var link = point && point.customdata;
        if (Array.isArray(link)) { link = link[0]; }
        if (typeof link === "string" && link.charAt(0) === "/") { window.location.href = link; }
      });
    });
  });
})();
