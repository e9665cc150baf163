/* Dashboard charts (Chart.js, vendored): each canvas names the JSON of its data; the table
   beside it holds the same figures for screen readers and print. */
(function () {
  "use strict";
  var percent = new Intl.NumberFormat("it-IT", { maximumFractionDigits: 1 });
  function label(value) { return value === null || value === undefined ? "—" : percent.format(value) + "%"; }
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    var type = canvas.dataset.chartType || "bar";
    var horizontal = type === "bar" && data.labels.length > 6;
    if (horizontal) { canvas.parentElement.style.height = Math.max(240, data.labels.length * 28) + "px"; }
    new window.Chart(canvas, {
      type: type,
      data: {
        labels: data.labels.map(function (text) { return text.length > 40 ? text.slice(0, 39) + "…" : text; }),
        datasets: [{ label: "Punteggio", data: data.values, backgroundColor: "#0066cc", borderColor: "#0066cc", spanGaps: true }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        maintainAspectRatio: !horizontal,
        responsive: true,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return label(horizontal ? ctx.parsed.x : ctx.parsed.y); } } }
        },
        scales: (function () {
          var value = { min: 0, suggestedMax: 100, ticks: { callback: function (v) { return label(v); } } };
          return horizontal ? { x: value } : { y: value };
        })()
      }
    });
  }
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  window.addEventListener("beforeprint", function () {
    Object.values(window.Chart ? window.Chart.instances : {}).forEach(function (chart) { chart.resize(); });
  });
})();
