/* Charts of the benefits pages (ECharts): the benefits map as a graph, the realisation curve (planned against
   actual, cumulative), the value at risk (planned against the schedule shifted by the slip) and the efficient
   frontier. Each sets aria (a generated description in the chart's aria-label) and the page has its data as a
   table under it. Colours reach 3:1 against white; the series differ by line style too. */
document.addEventListener("DOMContentLoaded", function () {
  const grouped = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function chart(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el);
    c.setOption(Object.assign({ aria: { enabled: true } }, option));
    window.addEventListener("resize", function () { c.resize(); });
  }
  function lines(id, labels, series, yName) {
    chart(id, {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : grouped.format(v); } },
      legend: { bottom: 0 },
      grid: { left: 70, right: 20, top: 30, bottom: 60 },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", name: yName, axisLabel: { formatter: function (v) { return grouped.format(v); } } },
      series: series,
    });
  }
  const charts = data("benefit-charts");
  if (charts) {
    if (charts.curve && charts.curve.labels.length) {
      lines("curve-chart", charts.curve.labels, [
        { name: "planned (cumulative)", type: "line", data: charts.curve.planned, showSymbol: false,
          lineStyle: { color: "#1f4e79", width: 2 }, itemStyle: { color: "#1f4e79" } },
        { name: "actual (cumulative)", type: "line", data: charts.curve.actual, symbol: "circle",
          lineStyle: { color: "#c2410c", width: 2, type: "dashed" }, itemStyle: { color: "#c2410c" } },
      ], "value");
    }
    if (charts.risk) {
      lines("risk-chart", charts.risk.labels, [
        { name: "planned", type: "line", step: "end", data: charts.risk.planned, showSymbol: false,
          lineStyle: { color: "#1f4e79", width: 2 }, itemStyle: { color: "#1f4e79" } },
        { name: "forecast after the slip", type: "line", step: "end", data: charts.risk.forecast, showSymbol: false,
          lineStyle: { color: "#c2410c", width: 2, type: "dashed" }, itemStyle: { color: "#c2410c" } },
      ], "value per month");
    }
  }
  const frontier = data("frontier-data");
  if (frontier && frontier.labels.length) {
    chart("frontier-chart", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "infeasible" : grouped.format(v); } },
      grid: { left: 80, right: 20, top: 30, bottom: 50 },
      xAxis: { type: "category", name: "total budget", nameLocation: "middle", nameGap: 30,
               data: frontier.budget.map(function (b) { return grouped.format(b); }), axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", name: frontier.unit, axisLabel: { formatter: function (v) { return grouped.format(v); } } },
      series: [{ name: "best value", type: "line", step: "end", data: frontier.value, symbol: "circle",
                 lineStyle: { color: "#1f4e79", width: 2 }, itemStyle: { color: "#1f4e79" } }],
    });
  }
  const graph = data("benefits-map-data");
  if (graph) {
    const colours = { project: "#1f4e79", output: "#6d28d9", outcome: "#047857", benefit: "#c2410c", objective: "#374151" };
    const symbols = { project: "rect", output: "roundRect", outcome: "circle", benefit: "diamond", objective: "triangle" };
    const width = { high: 3, medium: 2, low: 1 };
    chart("benefits-map", {
      tooltip: { formatter: function (p) {
        return p.dataType === "node" ? echarts.format.encodeHTML(p.data.kind + ": " + p.data.display + " — " + p.data.title)
          : echarts.format.encodeHTML(p.data.from + " → " + p.data.to);
      } },
      series: [{
        type: "graph", layout: "none", roam: true, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        label: { show: true, position: "bottom", fontSize: 11, color: "#1f2937",
                 formatter: function (p) { return p.data.display; } },
        data: graph.nodes.map(function (n) {
          return { name: n.id, display: n.name, title: n.title, kind: n.kind, x: n.x, y: n.y, symbol: symbols[n.kind],
                   symbolSize: 22, itemStyle: { color: colours[n.kind] } };
        }),
        links: graph.links.map(function (l) {
          return { source: l.source, target: l.target, from: l.from, to: l.to, lineStyle: { width: width[l.contribution] || 1, color: "#6b7280" } };
        }),
      }],
    });
  }
});
