/* Maps of scheme points (Leaflet, served by the app). Two kinds of element:
   .point-map[data-url]           every point of a GeoJSON feed, with popups;
   .point-map[data-lat][data-lon] one point.
   Tiles come from data-tiles-url when the server has one configured; without it the
   markers are drawn on a plain background (closed networks). */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  var COLORS = { active: "#1b7f3b", suspended: "#a15c00", dissolved: "#6b7280" };
  var VIETNAM = [16.0, 106.5];

  function baseMap(el) {
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!el.dataset.tilesUrl });
    if (el.dataset.tilesUrl) {
      L.tileLayer(el.dataset.tilesUrl, {
        maxZoom: 19,
        attribution: el.dataset.tilesAttribution || ""
      }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    return map;
  }

  function marker(latlng, status) {
    return L.circleMarker(latlng, {
      radius: 7, weight: 1.5, color: "#ffffff",
      fillColor: COLORS[status] || "#0b5cab", fillOpacity: 0.9
    });
  }

  function popup(props) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.name;
    link.className = "popup-name";
    box.appendChild(link);
    var line = document.createElement("div");
    line.textContent = props.type + " · " + props.status_label;
    box.appendChild(line);
    return box;
  }

  function show(selector, value) {
    var el = document.querySelector(selector);
    if (!el) { return; }
    if (value !== undefined) {
      var slot = el.querySelector("[data-value]");
      if (slot) { slot.textContent = value.toLocaleString(document.documentElement.lang || "vi"); }
    }
    el.hidden = false;
  }

  function feedMap(el) {
    var map = baseMap(el);
    map.setView(VIETNAM, 5);
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) { return marker(latlng, feature.properties.status); },
          onEachFeature: function (feature, lyr) { lyr.bindPopup(popup(feature.properties)); }
        }).addTo(map);
        if (layer.getLayers().length) {
          map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [24, 24] });
        }
        show("[data-map-count]", data.features.length);
        if (data.truncated) { show("[data-map-truncated]"); }
      })
      .catch(function () { show("[data-map-failed]"); });
  }

  function singleMap(el) {
    var latlng = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    if (isNaN(latlng[0]) || isNaN(latlng[1])) { return; }
    var map = baseMap(el);
    map.setView(latlng, el.dataset.tilesUrl ? 15 : 8);
    marker(latlng, el.dataset.status).addTo(map);
  }

  document.querySelectorAll(".point-map").forEach(function (el) {
    if (el.dataset.url) { feedMap(el); } else { singleMap(el); }
  });
})();
