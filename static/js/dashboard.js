// Dashboard charts (Chart.js, vendored UMD) and the print button. Progressive enhancement: every
// chart has a table with the same figures next to it, and the page works without this file.
// No inline scripts (CSP): chart data comes from <script type="application/json"> (json_script).
(function () {
  "use strict";

  // Colours with enough contrast on white, told apart by dash pattern and point style as well.
  var COLOURS = ["#01689b", "#a34700", "#2e7d32", "#6a1b9a", "#b3261e", "#00695c", "#4e342e"];
  var DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 2], [1, 2]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "line"];
  var NUMBER = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 1 });

  function formatValue(value, unit) {
    if (value === null || value === undefined) return "–";
    if (unit === "%") return NUMBER.format(value) + "%";
    if (unit === "min") return NUMBER.format(value) + " min";
    return NUMBER.format(value);
  }

  function config(spec) {
    var stacked = spec.kind === "stacked";
    var type = spec.kind === "line" ? "line" : "bar";
    var datasets = spec.series.map(function (s, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: s.label,
        data: s.data,
        borderColor: colour,
        backgroundColor: type === "bar" ? colour : colour,
        borderDash: type === "line" ? DASHES[i % DASHES.length] : undefined,
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: type === "line" ? 3 : undefined,
        borderWidth: 2,
        spanGaps: false,
      };
    });
    if (spec.target !== null && spec.target !== undefined && spec.labels.length) {
      datasets.push({
        type: "line",
        label: spec.targetLabel,
        data: spec.labels.map(function () { return spec.target; }),
        borderColor: "#1a1a1a",
        borderDash: [3, 3],
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false,
      });
    }
    return {
      type: type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: stacked, ticks: { autoSkip: true, maxRotation: 0 } },
          y: {
            stacked: stacked,
            beginAtZero: true,
            suggestedMax: spec.unit === "%" ? 100 : undefined,
            ticks: { callback: function (value) { return formatValue(value, spec.unit); } },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ": " + formatValue(ctx.parsed.y, spec.unit); },
            },
          },
        },
      },
    };
  }

  function draw(root) {
    if (typeof window.Chart === "undefined" || !root || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.getAttribute("data-drawn")) return;
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) return;
      try {
        new window.Chart(canvas, config(JSON.parse(source.textContent)));
        canvas.setAttribute("data-drawn", "1");
      } catch (err) {
        // The table below the chart still shows every figure.
        if (window.console) window.console.error("chart", err);
      }
    });
  }

  function wirePrint(root) {
    (root || document).querySelectorAll("[data-kcc-print]").forEach(function (button) {
      button.hidden = false;
      if (button.getAttribute("data-wired")) return;
      button.setAttribute("data-wired", "1");
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    wirePrint(document);
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    draw(evt.target);
    draw(document.getElementById("figures"));
  });
  // A printed page shows the tables: open every chart's table before printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".kcc-dash-chart__table").forEach(function (d) { d.open = true; });
  });
})();
