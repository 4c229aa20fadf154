/* Charts of a simulation run (ECharts): finish and cost histograms with their S-curves, tornado, criticality. */
(function () {
  function hist(el, data, name, unit) {
    if (!el || !data) return;
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["iterations", "cumulative %"], bottom: 0 },
      grid: { left: 50, right: 50, top: 30, bottom: 60 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, fontSize: 10 }, name: unit },
      yAxis: [{ type: "value", name: "iterations" }, { type: "value", name: "%", max: 100, min: 0 }],
      series: [
        { name: "iterations", type: "bar", data: data.counts, itemStyle: { color: "#93c5fd" } },
        { name: "cumulative %", type: "line", yAxisIndex: 1, smooth: true, showSymbol: false,
          data: data.cdf.map(function (v) { return Math.round(v * 1000) / 10; }), lineStyle: { color: "#1f4e79", width: 2 },
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 50 }, { yAxis: 80 }], lineStyle: { type: "dashed", color: "#9ca3af" } } },
      ],
      title: { text: name, left: "center", textStyle: { fontSize: 13 } },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(el, rows, key, title, color) {
    if (!el || !rows) return;
    const data = rows.slice().reverse();
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 220, right: 30, top: 30, bottom: 30 },
      xAxis: { type: "value", min: key === "rho" ? -1 : 0, max: 1 },
      yAxis: { type: "category", data: data.map(function (r) { return (r.id + " " + r.name).slice(0, 38); }), axisLabel: { fontSize: 10 } },
      series: [{ type: "bar", data: data.map(function (r) { return r[key]; }),
                 itemStyle: { color: function (p) { return p.value < 0 ? "#34d399" : color; } } }],
      title: { text: title, left: "center", textStyle: { fontSize: 13 } },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  window.pmoRunCharts = function (data, suffix) {
    if (!data) return;
    suffix = suffix || "";
    hist(document.getElementById("finish-chart" + suffix), data.finish, "Finish date: histogram and S-curve", "finish");
    hist(document.getElementById("cost-chart" + suffix), data.cost, "Risk cost: histogram and S-curve", "cost");
    bars(document.getElementById("tornado-chart" + suffix), data.tornado, "rho", "Tornado: correlation with finish (Spearman)", "#f97316");
    bars(document.getElementById("criticality-chart" + suffix), data.criticality, "value", "Criticality index", "#1f4e79");
  };
  // The page's chart data sits in <script type="application/json" id="run-charts">: one run's charts, or a
  // list of runs to compare (suffixes -0, -1, ...). No inline script starts them (Content-Security-Policy).
  document.addEventListener("DOMContentLoaded", function () {
    const source = document.getElementById("run-charts");
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (Array.isArray(data)) data.forEach(function (d, k) { window.pmoRunCharts(d, "-" + k); });
    else window.pmoRunCharts(data);
  });
})();
