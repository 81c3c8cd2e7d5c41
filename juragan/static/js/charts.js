// Draws the Plotly figures a page carries as JSON: <script type="application/json" class="js-chart" data-target="id">.
// A point whose customdata is a URL (or starts with one), or a filled region whose meta.link is one, opens it when clicked.
// A map names its boundary file in layout.meta.boundaries: each region's trace gets its shape from that file, by the
// code in its meta.region, before it is drawn (docs/map.md).
(function () {
  "use strict";
  // On a phone the figures come first: unused filters fold away (one tap opens them).
  document.querySelectorAll("details.js-filters:not([data-active])").forEach(function (box) {
    if (window.matchMedia("(max-width: 767.98px)").matches) { box.open = false; }
  });
  if (!window.Plotly) { return; }

  function linkOf(point) {
    var link = point.customdata;
    if (Array.isArray(link)) { link = link[0]; }
    // A click on a filled area names no point, only its trace.
    if (link === undefined && point.data && point.data.meta) { link = point.data.meta.link; }
    return typeof link === "string" && link.charAt(0) === "/" ? link : null;
  }

  function draw(target, figure) {
    target.classList.add("chart-drawn");
    return window.Plotly.newPlot(target, figure.data, figure.layout, {
      responsive: true, displaylogo: false,
      locale: document.documentElement.lang === "id" ? "id" : "en"
    }).then(function () {
      target.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var link = point && linkOf(point);
        if (link) { window.location.href = link; }
      });
    });
  }

  // Puts each region's shape into its trace, and makes the map as tall as its
  // regions are at this width (both axes keep one scale).
  function withShapes(figure, shapes, width) {
    var box = [Infinity, -Infinity, Infinity, -Infinity];
    figure.data.forEach(function (trace) {
      var shape = trace.meta && trace.meta.region && shapes[trace.meta.region];
      if (!shape) { return; }
      trace.x = shape.x;
      trace.y = shape.y;
      shape.x.forEach(function (x) {
        if (x !== null) { box[0] = Math.min(box[0], x); box[1] = Math.max(box[1], x); }
      });
      shape.y.forEach(function (y) {
        if (y !== null) { box[2] = Math.min(box[2], y); box[3] = Math.max(box[3], y); }
      });
    });
    var xs = figure.layout.xaxis.range || [box[0], box[1]];
    var ys = figure.layout.yaxis.range || [box[2], box[3]];
    if (xs[1] > xs[0] && ys[1] > ys[0]) {
      var tall = width * (ys[1] - ys[0]) / (xs[1] - xs[0]);
      // The legend below it: its title on a line, then its entries (a swatch and
      // about 6 px a letter each) on one line if they fit, else one a line.
      var across = 0, entries = 0;
      figure.data.forEach(function (trace) {
        if (trace.showlegend) { across += 48 + 6 * String(trace.name).length; entries += 1; }
      });
      var rows = 1 + (across <= width - 20 ? 1 : entries);
      figure.layout.height = Math.round(Math.min(Math.max(tall, 120), 560)) + 22 * rows + 16;
    }
    return figure;
  }

  document.querySelectorAll("script.js-chart").forEach(function (data) {
    var target = document.getElementById(data.dataset.target);
    if (!target) { return; }
    var figure = JSON.parse(data.textContent);
    var boundaries = figure.layout.meta && figure.layout.meta.boundaries;
    if (!boundaries) { draw(target, figure); return; }
    fetch(boundaries, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (shapes) {
      draw(target, withShapes(figure, shapes, target.clientWidth || 360));
    }).catch(function () {
      target.textContent = target.dataset.unavailable || "";
      target.classList.add("small", "text-muted", "p-3");
    });
  });
})();
