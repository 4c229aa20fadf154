/* Finance charts (ECharts): the S-curve of PV, EV and AC with the EAC projection, and the CPI/SPI trend.
   Data comes from json_script blocks (no inline script: Content-Security-Policy). ECharts' aria option
   describes each chart; each has its data as a table under it. Line colours reach 3:1 on white, and the
   series differ by dash and symbol too, never by colour alone. */
(function () {
  const grouped = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
  function read(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function line(name, data, color, type, symbol) {
    return { name: name, type: "line", data: data, symbol: symbol, symbolSize: 6, showSymbol: data.length < 40,
             lineStyle: { color: color, width: 2, type: type }, itemStyle: { color: color } };
  }
  function sCurve(el, d) {
    if (!el || !d || !d.pv) return;
    const chart = echarts.init(el);
    const series = [line("PV (planned)", d.pv, "#1f4e79", "solid", "circle"),
                    line("EV (earned)", d.ev, "#047857", "solid", "triangle"),
                    line("AC (actual)", d.ac, "#b91c1c", "solid", "rect")];
    if (d.eac.length) series.push(line("EAC projection", d.eac, "#b91c1c", "dashed", "diamond"));
    series[0].markLine = { silent: true, symbol: "none", label: { formatter: "status " + d.status_date, fontSize: 10 },
                           lineStyle: { color: "#4b5563", type: "dotted" }, data: [{ xAxis: d.status_date }] };
    chart.setOption({
      aria: { enabled: true },
      title: { text: d.title, left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return grouped.format(v) + " " + d.currency; } },
      legend: { bottom: 0 },
      grid: { left: 70, right: 24, top: 40, bottom: 60 },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: d.currency, axisLabel: { formatter: function (v) { return grouped.format(v); } } },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function trend(el, d) {
    if (!el || !d || !d.dates) return;
    const chart = echarts.init(el);
    chart.setOption({
      aria: { enabled: true },
      title: { text: d.title, left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 50, right: 24, top: 40, bottom: 60 },
      xAxis: { type: "category", data: d.dates },
      yAxis: { type: "value", min: function (v) { return Math.min(0.6, Math.floor(v.min * 10) / 10); } },
      series: [
        Object.assign(line("CPI", d.cpi, "#b91c1c", "solid", "rect"), { markLine: { silent: true, symbol: "none",
          label: { formatter: "1.0" }, lineStyle: { color: "#4b5563", type: "dotted" }, data: [{ yAxis: 1 }] } }),
        line("SPI", d.spi, "#1f4e79", "dashed", "circle"),
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    sCurve(document.getElementById("s-curve"), read("s-curve-data"));
    trend(document.getElementById("trend-chart"), read("trend-data"));
  });
})();
