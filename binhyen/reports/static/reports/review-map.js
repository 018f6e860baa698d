/* The review map (Leaflet, served by the app; no build step).

   <div data-review-map data-config="ID" …labels…><div data-map-canvas></div></div>
   <script type="application/json" id="ID">{…}</script>   (Django's json_script)

   Config: points [{lat, lng, name, type, unit, url?}], values {unit code: number},
   indicator_label, boundaries_url (GeoJSON of unit boundaries; may be empty), tiles_url
   (empty: shapes on a plain background, for closed networks), tiles_attribution,
   drill_url (with {code}: clicking a unit goes there), indicators [{code, label,
   values}] (a select switches between them; `values` is then the first one's).
   Units are shaded by value in up to 5 quantile classes, with a legend and a tooltip
   "name: value". Translated words come from the element's data-label-* attributes.
   Maps are set up on page load and after every htmx swap. */
(function () {
  "use strict";
  if (window.binhyenReviewMap) {  // loaded again by an htmx swap: just look for new maps
    window.binhyenReviewMap.initAll(document);
    return;
  }

  var COLORS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var NO_DATA = "#e5e7eb";
  var POINT = "#b45309";
  var VIETNAM = [16.0, 106.5];

  function lang() { return document.documentElement.lang || "vi"; }

  function formatNumber(value) {
    return Number(value).toLocaleString(lang(), { maximumFractionDigits: 2 });
  }

  function label(el, name, fallback) {
    return el.getAttribute("data-label-" + name) || fallback;
  }

  function readConfig(el) {
    var source = document.getElementById(el.getAttribute("data-config"));
    if (!source) { return null; }
    try { return JSON.parse(source.textContent); } catch (e) { return null; }
  }

  /* Up to 5 classes by quantile: the upper bound of each class (ascending, distinct). */
  function quantileBreaks(numbers) {
    var sorted = numbers.slice().sort(function (a, b) { return a - b; });
    var n = sorted.length;
    var distinct = sorted.filter(function (v, i) { return i === 0 || v !== sorted[i - 1]; });
    var k = Math.min(COLORS.length, distinct.length);
    var breaks = [];
    for (var i = 1; i <= k; i++) {
      var upper = sorted[Math.ceil(i * n / k) - 1];
      if (!breaks.length || upper > breaks[breaks.length - 1]) { breaks.push(upper); }
    }
    return { breaks: breaks, sorted: sorted };
  }

  function classOf(value, breaks) {
    for (var i = 0; i < breaks.length; i++) {
      if (value <= breaks[i]) { return i; }
    }
    return breaks.length - 1;
  }

  /* Colours spread over the ramp when there are fewer than 5 classes. */
  function colorOf(index, count) {
    if (count <= 1) { return COLORS[2]; }
    return COLORS[Math.round(index * (COLORS.length - 1) / (count - 1))];
  }

  function numeric(value) {
    return typeof value === "number" && isFinite(value);
  }

  function ReviewMap(el, config) {
    this.el = el;
    this.config = config;
    var given = Array.isArray(config.indicators) ? config.indicators : [];
    this.indicators = given.length
      ? given.map(function (indicator, i) {
        var values = indicator.values || (i === 0 ? config.values : null) || {};
        return { code: indicator.code, label: indicator.label, values: values };
      })
      : [{ code: "", label: config.indicator_label || "", values: config.values || {} }];
    this.current = this.indicators[0];
    this.boundaries = null;
    this.legend = null;
    this.build();
  }

  ReviewMap.prototype.build = function () {
    var el = this.el, config = this.config;
    var canvas = el.querySelector("[data-map-canvas]") || el;
    var map = L.map(canvas, { scrollWheelZoom: false, attributionControl: !!config.tiles_url });
    this.map = map;
    if (config.tiles_url) {
      L.tileLayer(config.tiles_url, { maxZoom: 19, attribution: config.tiles_attribution || "" }).addTo(map);
    } else {
      canvas.classList.add("no-tiles");
    }
    map.createPane("points").style.zIndex = 450;
    map.setView(VIETNAM, 5);
    this.addSelect();
    this.addPoints();
    if (config.boundaries_url) { this.loadBoundaries(); }
  };

  ReviewMap.prototype.addSelect = function () {
    var self = this, el = this.el;
    if (this.indicators.length < 2) { return; }
    var box = document.createElement("label");
    box.className = "review-map-indicator";
    box.appendChild(document.createTextNode(label(el, "indicator", "Indicator") + " "));
    var select = document.createElement("select");
    this.indicators.forEach(function (indicator, i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = indicator.label;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      self.current = self.indicators[parseInt(select.value, 10)] || self.indicators[0];
      self.restyle();
    });
    box.appendChild(select);
    el.insertBefore(box, el.firstChild);
  };

  ReviewMap.prototype.addPoints = function () {
    var el = this.el, points = Array.isArray(this.config.points) ? this.config.points : [];
    var layer = L.featureGroup();
    points.forEach(function (p) {
      var lat = parseFloat(p.lat), lng = parseFloat(p.lng);
      if (isNaN(lat) || isNaN(lng)) { return; }
      var marker = L.circleMarker([lat, lng], {
        pane: "points", radius: 5, weight: 1.5, color: "#ffffff", fillColor: POINT, fillOpacity: 0.95
      });
      var box = document.createElement("div");
      var name = document.createElement(p.url ? "a" : "strong");
      if (p.url) { name.href = p.url; }
      name.className = "popup-name";
      name.textContent = p.name || "";
      box.appendChild(name);
      [p.type, p.unit].forEach(function (text) {
        if (!text) { return; }
        var line = document.createElement("div");
        line.textContent = text;
        box.appendChild(line);
      });
      marker.bindPopup(box);
      layer.addLayer(marker);
    });
    this.points = layer.addTo(this.map);
    if (layer.getLayers().length) {
      this.map.fitBounds(layer.getBounds(), { maxZoom: 14, padding: [20, 20] });
    }
    var count = el.querySelector("[data-map-points]");
    if (count) {
      count.querySelector("[data-value]").textContent = formatNumber(layer.getLayers().length);
      count.hidden = !points.length;
    }
  };

  ReviewMap.prototype.loadBoundaries = function () {
    var self = this;
    fetch(this.config.boundaries_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { self.showBoundaries(data); })
      .catch(function (error) {
        self.reveal("[data-map-failed]");
        if (window.console) { window.console.error("review map:", error); }
      });
  };

  ReviewMap.prototype.reveal = function (selector) {
    var note = this.el.querySelector(selector);
    if (note) { note.hidden = false; }
  };

  ReviewMap.prototype.valueOf = function (code) {
    var values = this.current.values || {};
    return Object.prototype.hasOwnProperty.call(values, code) ? values[code] : null;
  };

  ReviewMap.prototype.showBoundaries = function (data) {
    var self = this, el = this.el, drill = this.config.drill_url || "";
    if (!data || !Array.isArray(data.features) || !data.features.length) {
      this.reveal("[data-map-no-boundaries]");
      return;
    }
    this.boundaries = L.geoJSON(data, {
      style: function () { return { weight: 1, color: "#475569", fillOpacity: 0.75, fillColor: NO_DATA }; },
      onEachFeature: function (feature, layer) {
        var props = feature.properties || {};
        layer.bindTooltip(function () {
          var value = self.valueOf(props.code);
          var tip = document.createElement("span");  // text, never markup
          tip.textContent = (props.name || props.code) + ": " +
            (numeric(value) ? formatNumber(value) : label(el, "no-data", "no data"));
          return tip;
        }, { sticky: true });
        layer.on("mouseover", function () { layer.setStyle({ weight: 2.5, color: "#111827" }); });
        layer.on("mouseout", function () { layer.setStyle({ weight: 1, color: "#475569" }); });
        if (drill && props.code) {
          layer.on("click", function () {
            window.location.href = drill.split("{code}").join(encodeURIComponent(props.code));
          });
        }
      }
    }).addTo(this.map);
    if (drill) { el.classList.add("drillable"); }
    this.map.fitBounds(this.boundaries.getBounds(), { padding: [12, 12] });
    this.restyle();
  };

  ReviewMap.prototype.restyle = function () {
    if (!this.boundaries) { return; }
    var self = this, numbers = [];
    this.boundaries.eachLayer(function (layer) {
      var value = self.valueOf(layer.feature.properties.code);
      if (numeric(value)) { numbers.push(value); }
    });
    var classes = quantileBreaks(numbers);
    var missing = false;
    this.boundaries.eachLayer(function (layer) {
      var value = self.valueOf(layer.feature.properties.code);
      var fill = NO_DATA;
      if (numeric(value)) {
        fill = colorOf(classOf(value, classes.breaks), classes.breaks.length);
      } else {
        missing = true;
      }
      layer.setStyle({ fillColor: fill });
    });
    this.drawLegend(classes, missing);
  };

  ReviewMap.prototype.drawLegend = function (classes, missing) {
    var el = this.el, title = this.current.label || this.config.indicator_label || "";
    if (this.legend) { this.legend.remove(); }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "review-map-legend");
      var head = document.createElement("div");
      head.className = "review-map-legend-title";
      head.textContent = title;
      box.appendChild(head);
      var sorted = classes.sorted, breaks = classes.breaks;
      breaks.forEach(function (upper, i) {
        var lower = i === 0 ? sorted[0] : sorted.filter(function (v) { return v > breaks[i - 1]; })[0];
        var text = lower === upper ? formatNumber(upper) : formatNumber(lower) + " – " + formatNumber(upper);
        box.appendChild(row(colorOf(i, breaks.length), text));
      });
      if (missing || !breaks.length) { box.appendChild(row(NO_DATA, label(el, "no-data", "no data"))); }
      return box;
    };
    function row(color, text) {
      var line = document.createElement("div");
      var swatch = document.createElement("span");
      swatch.className = "review-map-swatch";
      swatch.style.background = color;
      line.appendChild(swatch);
      line.appendChild(document.createTextNode(" " + text));
      return line;
    }
    this.legend = legend.addTo(this.map);
  };

  function init(el) {
    if (el.getAttribute("data-ready")) { return; }
    var config = readConfig(el);
    if (!config) { return; }
    el.setAttribute("data-ready", "1");
    el.reviewMap = new ReviewMap(el, config);
  }

  /* Leaflet is loaded once, by this script, from the map's data-leaflet-src: a script
     tag in htmx-swapped content would run Leaflet again and break the maps already made. */
  var leafletWaiting = [];
  function withLeaflet(el, callback) {
    if (typeof L !== "undefined") { callback(); return; }
    leafletWaiting.push(callback);
    if (leafletWaiting.length > 1) { return; }
    var script = document.createElement("script");
    script.src = el.getAttribute("data-leaflet-src");
    script.onload = function () {
      var waiting = leafletWaiting;
      leafletWaiting = [];
      waiting.forEach(function (fn) { fn(); });
    };
    document.head.appendChild(script);
  }

  function initAll(root) {
    var found = (root || document).querySelectorAll("[data-review-map]:not([data-ready])");
    if (!found.length) { return; }
    withLeaflet(found[0], function () { Array.prototype.forEach.call(found, init); });
  }

  window.binhyenReviewMap = { initAll: initAll, quantileBreaks: quantileBreaks, classOf: classOf };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  document.addEventListener("htmx:afterSwap", function () { initAll(document); });
})();
