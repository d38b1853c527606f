/* «Соседи»: Leaflet maps of ТОС boundaries. Progressive enhancement — every page works without this file. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var REGION_CENTRE = [51.6, 46.5];
  var STATUS_COLOURS = { initiative: "#8a5300", forming: "#0b5394", registered: "#1e6b2e", liquidated: "#6b6b6b" };

  var baseMap = window.sosediBaseMap;  // static/js/basemap.js

  function styleFor(feature) {
    var colour = STATUS_COLOURS[feature.properties.status] || "#0b5394";
    return { color: colour, weight: 2, fillOpacity: 0.25 };
  }

  function popupHtml(p) {
    var a = document.createElement("a");
    a.href = p.url;
    a.textContent = p.name;
    var div = document.createElement("div");
    var strong = document.createElement("strong");
    strong.appendChild(a);
    div.appendChild(strong);
    div.appendChild(document.createElement("br"));
    div.appendChild(document.createTextNode(p.status_display + " · " + p.municipality));
    return div;
  }

  function featureLayer(map) {
    return L.geoJSON(null, {
      style: styleFor,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign(styleFor(feature), { radius: 6, fillOpacity: 0.8 }));
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popupHtml(feature.properties));
        layer.on("click", function () { map.fire("tosclick", { feature: feature }); });
      }
    }).addTo(map);
  }

  // Fetch the ТОС in view by bounding box whenever the view changes; the server simplifies and caps them.
  function loadOnMove(map, layer, url, statusEl) {
    var pending = null;
    var popupOpen = false;
    function load() {
      // Opening a popup pans the map to show it; reloading then would remove the layer and close the popup
      // the visitor just opened. Reload once it is closed instead.
      if (popupOpen) { return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(url + "?bbox=" + bbox + "&zoom=" + map.getZoom(), { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          layer.clearLayers();
          layer.addData(data);
          if (statusEl) {
            var n = data.features.length;
            statusEl.textContent = "На карте ТОС: " + n + (data.truncated ? " (показаны не все — приблизьте карту)" : "") +
              (data.as_points ? ". Приблизьте, чтобы увидеть границы." : ".");
          }
        })
        .catch(function (err) {
          if (err && err.name === "AbortError") { return; }
          if (statusEl) { statusEl.textContent = "Не удалось загрузить ТОС. Обновите страницу."; }
        });
    }
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () { popupOpen = false; load(); });
    map.on("moveend", load);
    load();
  }

  function addCentres(map) {
    var node = document.getElementById("municipality-centres");
    if (!node) { return; }
    // Without map tiles the towns are the only landmarks: those with ТОС are always named, the rest from zoom 8.
    var main = L.layerGroup(), rest = L.layerGroup();
    JSON.parse(node.textContent).forEach(function (c) {
      L.circleMarker([c.lat, c.lon], { radius: 3, color: "#1a1a1a", weight: 1, fillOpacity: 1 })
        .bindTooltip(c.centre || c.name, { permanent: true, direction: "right", className: "centre-label" })
        .addTo(c.tos_count ? main : rest);
    });
    main.addTo(map);
    function toggle() { if (map.getZoom() >= 8) { rest.addTo(map); } else { rest.remove(); } }
    map.on("zoomend", toggle);
    toggle();
  }

  function regionMap(el) {
    var map = baseMap(el).setView(REGION_CENTRE, 7);
    addCentres(map);
    loadOnMove(map, featureLayer(map), el.getAttribute("data-geojson-url"), document.getElementById("map-status"));
    window.sosediMap = map;
  }

  function tosMap(el) {
    var node = document.getElementById("tos-boundary");
    if (!node) { return; }
    el.innerHTML = "";
    var map = baseMap(el, { scrollWheelZoom: false });
    var layer = L.geoJSON(JSON.parse(node.textContent), { style: { color: "#0b5394", weight: 3, fillOpacity: 0.2 } }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  }

  function findMap(el) {
    var form = document.getElementById("find-form");
    var lat = el.getAttribute("data-lat"), lon = el.getAttribute("data-lon");
    var map = baseMap(el);
    if (lat && lon) { map.setView([+lat, +lon], 15); L.circleMarker([+lat, +lon], { radius: 8, color: "#a61b1b", weight: 3, fillOpacity: 0.9 }).addTo(map); } else { map.setView(REGION_CENTRE, 7); }
    addCentres(map);
    var layer = featureLayer(map);
    loadOnMove(map, layer, el.getAttribute("data-geojson-url"), null);
    function pick(latlng) {
      form.querySelector("[name=lat]").value = latlng.lat.toFixed(6);
      form.querySelector("[name=lon]").value = latlng.lng.toFixed(6);
      form.submit();
    }
    map.on("click", function (e) { pick(e.latlng); });
    map.on("tosclick", function () { map.closePopup(); });
    layer.on("click", function (e) { pick(e.latlng); });
    var button = document.getElementById("geolocate");
    if (button && navigator.geolocation) {
      button.hidden = false;
      button.addEventListener("click", function () {
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(
          function (pos) { pick(L.latLng(pos.coords.latitude, pos.coords.longitude)); },
          function () { button.disabled = false; button.textContent = "Не удалось определить местоположение"; },
          { timeout: 10000 }
        );
      });
    }
    window.sosediMap = map;
  }

  var el;
  if ((el = document.getElementById("region-map"))) { regionMap(el); }
  if ((el = document.getElementById("tos-map"))) { tosMap(el); }
  if ((el = document.getElementById("find-map"))) { findMap(el); }
})();
