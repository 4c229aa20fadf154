/* Stakeholder charts (ECharts): the power/interest grid, the engagement gap over time and one stakeholder's
   engagement history. Data comes from json_script blocks (no inline scripts: Content-Security-Policy); every
   chart sets aria.enabled and has its data as a table under it. Colours reach 3:1 against white. */
(function () {
  function read(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw(el, option) {
    const chart = echarts.init(el);
    chart.setOption(Object.assign({ aria: { enabled: true } }, option));
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  // The grid splits at 2.5: 3 (medium) and more is high, as the page and the table say.
  const QUADRANTS = [
    { name: "keep satisfied", x: [0, 2.5], y: [2.5, 6], color: "rgba(251, 191, 36, 0.10)" },
    { name: "manage closely", x: [2.5, 6], y: [2.5, 6], color: "rgba(220, 38, 38, 0.08)" },
    { name: "monitor", x: [0, 2.5], y: [0, 2.5], color: "rgba(107, 114, 128, 0.08)" },
    { name: "keep informed", x: [2.5, 6], y: [0, 2.5], color: "rgba(37, 99, 235, 0.08)" },
  ];
  function grid(el, points) {
    const seen = {};
    const data = points.map(function (p) {  // spread stakeholders that share a cell around its centre
      const key = p.x + "," + p.y;
      const k = seen[key] = (seen[key] || 0) + 1;
      const angle = (k - 1) * 2.1;
      const r = k === 1 ? 0 : 0.12 + 0.05 * Math.floor((k - 1) / 3);
      return { name: p.name, value: [p.x + r * Math.cos(angle), p.y + r * Math.sin(angle)], quadrant: p.quadrant,
               url: p.url, gap: p.gap, score: [p.x, p.y] };
    });
    const chart = draw(el, {
      grid: { left: 56, right: 24, top: 24, bottom: 56 },
      tooltip: { formatter: function (item) {
        const d = item.data;
        return echarts.format.encodeHTML(d.name) + "<br>interest " + d.score[0] + ", power " + d.score[1]
          + "<br>" + d.quadrant + (d.gap > 0 ? "<br>engagement gap " + d.gap : "");
      } },
      xAxis: { type: "value", min: 0, max: 6, interval: 1, name: "Interest", nameLocation: "middle", nameGap: 30,
               axisLabel: { formatter: function (v) { return v >= 1 && v <= 5 ? v : ""; } }, splitLine: { show: false } },
      yAxis: { type: "value", min: 0, max: 6, interval: 1, name: "Influence / power", nameLocation: "middle", nameGap: 34,
               axisLabel: { formatter: function (v) { return v >= 1 && v <= 5 ? v : ""; } }, splitLine: { show: false } },
      series: [{
        type: "scatter", symbolSize: 14, data: data, itemStyle: { color: "#1f4e79", borderColor: "#fff", borderWidth: 1 },
        label: { show: true, position: "top", formatter: "{b}", fontSize: 11, color: "#1f2937", width: 130,
                 overflow: "truncate" },
        labelLayout: { hideOverlap: true },
        markArea: { silent: true, data: QUADRANTS.map(function (q) {
          return [{ name: q.name, xAxis: q.x[0], yAxis: q.y[0], itemStyle: { color: q.color },
                    label: { position: "insideTopLeft", color: "#374151", fontWeight: "bold" } },
                  { xAxis: q.x[1], yAxis: q.y[1] }];
        }) },
        markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { color: "#6b7280", type: "dashed" },
                    data: [{ xAxis: 2.5 }, { yAxis: 2.5 }] },
      }],
    });
    chart.on("click", function (item) { if (item.data && item.data.url) window.location.href = item.data.url; });
  }
  function gaps(el, s) {
    draw(el, {
      grid: { left: 48, right: 48, top: 40, bottom: 40 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: ["levels to climb", "stakeholders below desired", "stakeholders assessed"] },
      xAxis: { type: "category", data: s.days },
      yAxis: { type: "value", minInterval: 1, name: "count" },
      series: [
        { name: "levels to climb", type: "line", step: "end", data: s.gap, lineStyle: { color: "#b91c1c", width: 3 },
          itemStyle: { color: "#b91c1c" }, symbol: "circle" },
        { name: "stakeholders below desired", type: "line", step: "end", data: s.below,
          lineStyle: { color: "#1f4e79", type: "dashed" }, itemStyle: { color: "#1f4e79" }, symbol: "triangle" },
        { name: "stakeholders assessed", type: "line", step: "end", data: s.assessed,
          lineStyle: { color: "#6b7280", type: "dotted" }, itemStyle: { color: "#6b7280" }, symbol: "rect" },
      ],
    });
  }
  function history(el, s) {
    const levels = s.levels;
    draw(el, {
      grid: { left: 96, right: 24, top: 30, bottom: 40 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return levels[v - 1]; } },
      legend: { top: 0, data: ["assessed", "desired"] },
      xAxis: { type: "category", data: s.days },
      yAxis: { type: "value", min: 1, max: 5, interval: 1, axisLabel: { formatter: function (v) { return levels[v - 1] || ""; } } },
      series: [
        { name: "assessed", type: "line", step: "end", data: s.ranks, symbol: "circle", symbolSize: 8,
          lineStyle: { color: "#1f4e79", width: 3 }, itemStyle: { color: "#1f4e79" } },
        { name: "desired", type: "line", data: s.days.map(function () { return s.desired; }), symbol: "none",
          lineStyle: { color: "#047857", type: "dashed", width: 2 }, itemStyle: { color: "#047857" } },
      ],
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const points = read("grid-points"), series = read("gap-series"), one = read("history-series");
    const g = document.getElementById("grid-chart"), c = document.getElementById("gap-chart"),
      h = document.getElementById("history-chart");
    if (g && points) grid(g, points);
    if (c && series) gaps(c, series);
    if (h && one) history(h, one);
  });
})();
