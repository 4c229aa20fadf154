/* The quality dashboard's chart (ECharts): open non-conformances by age band, stacked by severity. Data comes
   from a json_script block (no inline scripts: Content-Security-Policy); aria.enabled writes a description and
   the data is also a table under the chart. Colours reach 3:1 against white, and patterns tell severities apart
   without colour. */
(function () {
  const el = document.getElementById("nc-age-chart");
  const data = document.getElementById("nc-age-data");
  if (!el || !data || typeof echarts === "undefined") return;
  const s = JSON.parse(data.textContent);
  const COLOURS = { minor: "#6b7280", major: "#b45309", critical: "#991b1b" };
  const DECALS = { minor: { symbol: "none" }, major: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 5],
                                                        rotation: -Math.PI / 4, color: "rgba(255,255,255,0.5)" },
                   critical: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [4, 3], color: "rgba(255,255,255,0.6)" } };
  const chart = echarts.init(el);
  chart.setOption({
    aria: { enabled: true, decal: { show: true } },
    grid: { left: 48, right: 16, top: 40, bottom: 40 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    xAxis: { type: "category", data: s.bands, name: "age", nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", minInterval: 1, name: "open" },
    series: s.series.map(function (row) {
      return { name: row.severity, type: "bar", stack: "open", data: row.data,
               itemStyle: { color: COLOURS[row.key], decal: DECALS[row.key] } };
    }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
