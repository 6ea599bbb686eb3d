/* Draws the charts of an indicator page from the JSON the page embeds (id "chart-specs").
   Lines differ by dash and marker and bars by pattern (ECharts decals), so that a chart printed in
   black and white still reads; every chart has a PNG download (the toolbox's saveAsImage). */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "vi";
  var numbers = new Intl.NumberFormat(lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 2 });
  var COLOURS = ["#1d3f72", "#c0392b", "#2e7d32", "#6a1b9a", "#ef6c00", "#455a64"];
  var DASHES = { solid: "solid", dashed: [8, 5], dotted: [2, 4] };
  // One colour and one pattern for women, men and the total on every chart of every page.
  var SEXES = {
    total: { color: "#1d3f72", decal: { symbol: "none" } },
    male: { color: "#2e7d32", decal: { symbol: "rect", symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: -Math.PI / 4 } },
    female: { color: "#b0276f", decal: { symbol: "circle", symbolSize: 0.6 } },
  };

  function colourOf(s, i) {
    return s.sex && SEXES[s.sex] ? SEXES[s.sex].color : COLOURS[i % COLOURS.length];
  }

  function format(value) {
    if (value === null || value === undefined || value === "-") return "—";
    return numbers.format(value);
  }

  function base(spec) {
    return {
      color: COLOURS,
      aria: { enabled: true, decal: { show: spec.kind === "bar" } },
      animation: false,
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" },
      title: { text: spec.title, left: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
      legend: { top: 24, left: 0, type: "scroll" },
      grid: { top: 84, left: 24, right: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: format },
      toolbox: {
        right: 0,
        feature: {
          saveAsImage: {
            title: spec.labels.download,
            name: spec.id,
            pixelRatio: 2,
            backgroundColor: "#ffffff",
          },
        },
      },
    };
  }

  function lineOption(spec) {
    var option = base(spec);
    var symbols = ["circle", "triangle", "rect", "diamond"];
    option.xAxis = { type: "category", data: spec.categories, boundaryGap: false };
    option.yAxis = { type: "value", name: spec.unit || "", scale: true, axisLabel: { formatter: format } };
    option.series = spec.series.map(function (s, i) {
      return {
        name: s.name,
        type: "line",
        data: s.data,
        z: 5,
        symbol: s.symbol || symbols[i % symbols.length],
        symbolSize: 8,
        color: colourOf(s, i),
        connectNulls: false,
        lineStyle: { width: 2.5, type: DASHES[s.dash] || "solid" },
      };
    });
    if (spec.band) {
      var pad = function (values) {
        var out = [];
        for (var i = 0; i < spec.band.start; i++) out.push("-");
        return out.concat(values);
      };
      var width = spec.band.high.map(function (h, i) { return h - spec.band.low[i]; });
      option.series.push(
        { name: spec.labels.interval, type: "line", data: pad(spec.band.low), stack: "band", symbol: "none",
          lineStyle: { opacity: 0 }, tooltip: { show: false }, z: 1, silent: true, legendHoverLink: false,
          color: "#9e9e9e" },
        { name: spec.labels.interval, type: "line", data: pad(width), stack: "band", symbol: "none",
          lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(60, 60, 60, 0.18)" }, z: 1, silent: true,
          color: "#9e9e9e",
          tooltip: { show: false } },
        { name: spec.labels.forecast, type: "line", data: pad(spec.band.value), symbol: "emptyDiamond",
          symbolSize: 8, z: 4, color: "#333333", lineStyle: { width: 2, type: [3, 3] } }
      );
    }
    if (spec.target) {
      // The axis reaches the target even when the data stay below (or above) it.
      option.yAxis.max = function (range) { return Math.max(range.max, spec.target.value); };
      option.yAxis.min = function (range) { return Math.min(range.min, spec.target.value); };
      option.series[0].markLine = {
        symbol: "none",
        silent: true,
        lineStyle: { color: "#000000", type: [10, 4, 2, 4], width: 2 },
        label: { formatter: spec.target.label, position: "insideEndTop", color: "#000000" },
        data: [{ yAxis: spec.target.value }],
      };
    }
    return option;
  }

  function barOption(spec) {
    var option = base(spec);
    var categoryAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0 } };
    var valueAxis = { type: "value", name: spec.unit || "", axisLabel: { formatter: format } };
    var counts = spec.series.every(function (s) {
      return s.data.every(function (v) { return v === null || Number.isInteger(v); });
    });
    if (counts && !spec.unit) valueAxis.minInterval = 1;
    if (spec.horizontal) {
      categoryAxis.inverse = true;
      categoryAxis.axisLabel = { interval: 0, width: 160, overflow: "break" };
      option.xAxis = valueAxis;
      option.yAxis = categoryAxis;
    } else {
      option.xAxis = categoryAxis;
      option.yAxis = valueAxis;
    }
    option.tooltip.axisPointer = { type: "shadow" };
    var labels = spec.categories.length * spec.series.length <= 30;
    option.series = spec.series.map(function (s, i) {
      var style = { borderColor: "#000000", borderWidth: 1, color: colourOf(s, i) };
      if (s.sex && SEXES[s.sex]) style.decal = SEXES[s.sex].decal;
      return {
        name: s.name,
        type: "bar",
        data: s.data,
        itemStyle: style,
        barMaxWidth: 56,
        label: { show: labels, position: spec.horizontal ? "right" : "top", formatter: function (p) { return format(p.value); } },
      };
    });
    return option;
  }

  function draw() {
    var source = document.getElementById("chart-specs");
    if (!source || !window.echarts) return;
    var specs = JSON.parse(source.textContent);
    specs.forEach(function (spec) {
      var element = document.querySelector('[data-chart="' + spec.id + '"]');
      if (!element) return;
      if (spec.horizontal && spec.kind === "bar") {
        var per = spec.categories.length > 30 ? 9 : 22;
        element.style.height = Math.max(280, 110 + spec.categories.length * per * Math.max(1, spec.series.length)) + "px";
      }
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(spec.kind === "line" ? lineOption(spec) : barOption(spec));
      element.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
