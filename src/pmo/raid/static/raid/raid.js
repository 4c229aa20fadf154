/* Charts of a simulation run (ECharts): finish and cost histograms with their S-curves, tornado, criticality.
   The server sends labels ready to show (dates, grouped numbers, names without internal ids). ECharts' aria
   option writes a description of each chart into its box's aria-label; the page has each chart's data as a
   table under it. Colours reach 3:1 against white (WCAG 1.4.11). */
(function () {
  const percent = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });
  const grouped = new Intl.NumberFormat("en-GB");
  function hist(el, data, name, unit) {
    if (!el || !data) return;
    const chart = echarts.init(el);
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return grouped.format(v); } },
      legend: { data: ["iterations", "cumulative %"], bottom: 0 },
      grid: { left: 56, right: 50, top: 36, bottom: 70 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, fontSize: 10 }, name: unit,
               nameLocation: "end", nameGap: 8 },
      yAxis: [{ type: "value", name: "iterations", axisLabel: { formatter: function (v) { return grouped.format(v); } } },
              { type: "value", name: "%", max: 100, min: 0 }],
      series: [
        { name: "iterations", type: "bar", data: data.counts, itemStyle: { color: "#3b82f6" } },
        { name: "cumulative %", type: "line", yAxisIndex: 1, smooth: true, showSymbol: false,
          tooltip: { valueFormatter: function (v) { return percent.format(v) + " %"; } },
          data: data.cdf.map(function (v) { return Math.round(v * 1000) / 10; }), lineStyle: { color: "#1f4e79", width: 2 },
          markLine: { silent: true, symbol: "none", label: { show: false }, data: [{ yAxis: 50 }, { yAxis: 80 }], lineStyle: { type: "dashed", color: "#6b7280" } } },
      ],
      title: { text: name, left: "center", textStyle: { fontSize: 13 } },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function bars(el, rows, rho, title, color) {
    if (!el || !rows) return;
    const data = rows.slice().reverse();
    const chart = echarts.init(el);
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        const row = data[items[0].dataIndex];
        const value = rho ? row.value.toFixed(2) : Math.round(row.value * 100) + " %";
        return echarts.format.encodeHTML(row.name) + "<br>" + (rho ? "rho " : "critical in ") + value;
      } },
      grid: { left: 8, right: 30, top: 30, bottom: 30, containLabel: true },
      xAxis: { type: "value", min: rho ? -1 : 0, max: 1,
               axisLabel: { formatter: function (v) { return rho ? v : Math.round(v * 100) + " %"; } } },
      yAxis: { type: "category", data: data.map(function (r) { return r.label; }), axisLabel: { fontSize: 10 } },
      series: [{ type: "bar", data: data.map(function (r) { return r.value; }),
                 itemStyle: { color: function (p) { return p.value < 0 ? "#047857" : color; } } }],
      title: { text: title, left: "center", textStyle: { fontSize: 13 } },
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  window.pmoRunCharts = function (data, suffix) {
    if (!data) return;
    suffix = suffix || "";
    hist(document.getElementById("finish-chart" + suffix), data.finish, "Finish date: histogram and S-curve", "finish");
    hist(document.getElementById("cost-chart" + suffix), data.cost, "Cost: histogram and S-curve", data.currency || "cost");
    bars(document.getElementById("tornado-chart" + suffix), data.tornado, true, "Tornado: correlation with finish (Spearman)", "#c2410c");
    bars(document.getElementById("criticality-chart" + suffix), data.criticality, false, "Criticality index", "#1f4e79");
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
