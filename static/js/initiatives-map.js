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

  var mapEl = document.getElementById("initiative-map");
  var data = document.getElementById("initiative-points");
  if (mapEl && data) {
    var map = baseMap(mapEl);
    var points = JSON.parse(data.textContent);
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 8, color: COLOURS[p.kind], fillOpacity: 0.7 });
      marker.bindPopup(link(p));
      marker.addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); } else { map.setView(REGION_CENTRE, 7); }
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
