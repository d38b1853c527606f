/* «Соседи»: the map of ideas and initiative projects, and the point picker of the idea and project forms.
   Progressive enhancement — the list under the map and the coordinate fields work without this file. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var REGION_CENTRE = [51.6, 46.5];
  var COLOURS = { idea: "#8a5300", project: "#1e6b2e" };

  function baseMap(el) {
    var map = L.map(el, { zoomControl: true });
    map.attributionControl.setPrefix("Leaflet");
    var tiles = el.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); } else { el.classList.add("no-tiles"); }
    return map;
  }

  function link(p) {
    var a = document.createElement("a");
    a.href = p.url;
    a.textContent = p.title + (p.kind === "idea" ? " (идея)" : " (проект: " + p.status + ")");
    return a;
  }

  function clusterIcon(item) {
    var size = item.count < 10 ? 28 : item.count < 100 ? 34 : item.count < 1000 ? 40 : 46;
    return L.divIcon({
      className: "initiative-cluster initiative-cluster-" + item.kind,
      html: "<span>" + item.count + "</span>",
      iconSize: [size, size]
    });
  }

  var mapEl = document.getElementById("initiative-map");
  if (mapEl) {
    // What is in view comes from the API as the map moves: points when zoomed in, counted groups otherwise, so
    // the page never carries all 100,000 ideas and projects.
    var map = baseMap(mapEl);
    var layer = L.layerGroup().addTo(map);
    var url = mapEl.getAttribute("data-features");
    var query = mapEl.getAttribute("data-query");
    var centre = mapEl.getAttribute("data-centre");
    var pending = null;
    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return Math.max(-180, Math.min(180, v)).toFixed(5);
      });
      bbox[1] = Math.max(-90, bbox[1]); bbox[3] = Math.min(90, bbox[3]);
      var address = url + "?bbox=" + bbox.join(",") + "&zoom=" + map.getZoom() + (query ? "&" + query : "");
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(address, { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          layer.clearLayers();
          data.items.forEach(function (item) {
            var marker;
            if (data.clusters && item.count > 1) {
              marker = L.marker([item.lat, item.lon], { icon: clusterIcon(item), title: item.count + (item.kind === "idea" ? " идей" : " проектов") });
              marker.on("click", function () { map.setView([item.lat, item.lon], Math.min(map.getZoom() + 2, 18)); });
            } else {
              marker = L.circleMarker([item.lat, item.lon], { radius: 8, color: COLOURS[item.kind], fillOpacity: 0.7 });
              if (item.title) { marker.bindPopup(link(item)); }
              else if (item.url) { marker.on("click", function () { window.location = item.url; }); }
            }
            marker.addTo(layer);
          });
        })
        .catch(function () { /* an aborted or failed request leaves the last view on the map */ });
    }
    map.on("moveend", load);
    // First view: the chosen municipality, else around the newest points listed under the map.
    var newest = document.getElementById("initiative-points");
    var bounds = newest ? JSON.parse(newest.textContent).map(function (p) { return [p.lat, p.lon]; }) : [];
    if (centre) { map.setView(centre.split(",").map(parseFloat), 11); }
    else if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); }
    else { map.setView(REGION_CENTRE, 7); }
  }

  var picker = document.getElementById("point-picker");
  if (picker) {
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var pickMap = baseMap(picker);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(pickMap); }
    }
    if (lat.value && lon.value) {
      place([parseFloat(lat.value), parseFloat(lon.value)]);
      pickMap.setView([parseFloat(lat.value), parseFloat(lon.value)], 15);
    } else {
      pickMap.setView(REGION_CENTRE, 7);
    }
    pickMap.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      place(e.latlng);
    });
  }
})();
