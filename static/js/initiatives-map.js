/* «Соседи»: the map of ideas and initiative projects, and the point picker of the idea and project forms.
   Progressive enhancement — the list under the map and the coordinate fields work without this file. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var REGION_CENTRE = [51.6, 46.5];
  var COLOURS = { idea: "#8a5300", project: "#1e6b2e" };

  var baseMap = window.sosediBaseMap;  // static/js/basemap.js

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
    // What is in view comes from the API as the map moves, one answer per 256-px tile of the same grid as the
    // base map: points when zoomed in, counted groups otherwise. Tiles are the same requests for every visitor
    // looking there, so the server answers most from its cache, and a pan fetches only the tiles that came
    // into view. The page never carries all 100,000 ideas and projects.
    var map = baseMap(mapEl);
    var url = mapEl.getAttribute("data-features");
    var query = mapEl.getAttribute("data-query");
    var centre = mapEl.getAttribute("data-centre");
    var TILE = 256;
    var answers = {};   // tile → its answer, for this visit (panning back asks nothing)
    var drawn = {};     // tile → { layer, urls } on the map now
    var loading = {};   // tile → AbortController of its request
    var shownUrls = {}; // url of a point or one-point group drawn now → true (each drawn once)

    function tilesInView() {
      var z = Math.round(map.getZoom()), last = Math.pow(2, z) - 1, b = map.getBounds();
      var nw = map.project(b.getNorthWest(), z), se = map.project(b.getSouthEast(), z);
      var x0 = Math.max(0, Math.floor(nw.x / TILE)), x1 = Math.min(last, Math.floor(se.x / TILE));
      var y0 = Math.max(0, Math.floor(nw.y / TILE)), y1 = Math.min(last, Math.floor(se.y / TILE));
      var tiles = [];
      for (var y = y0; y <= y1; y++) { for (var x = x0; x <= x1; x++) { tiles.push(z + "/" + x + "/" + y); } }
      return tiles;
    }

    function marker(item, clusters) {
      var m;
      if (clusters && item.count > 1) {
        m = L.marker([item.lat, item.lon], { icon: clusterIcon(item), title: item.count + (item.kind === "idea" ? " идей" : " проектов") });
        m.on("click", function () { map.setView([item.lat, item.lon], Math.min(map.getZoom() + 2, 18)); });
      } else {
        m = L.circleMarker([item.lat, item.lon], { radius: 8, color: COLOURS[item.kind], fillOpacity: 0.7 });
        if (item.title) { m.bindPopup(link(item)); }
        else if (item.url) { m.on("click", function () { window.location = item.url; }); }
      }
      return m;
    }

    function draw(tile, data) {
      // A point belongs to one tile only, so nothing should repeat; a point seen in another tile (an answer
      // cached from before it moved) is still drawn once. Groups are per tile: a group never spans two tiles.
      var layer = L.layerGroup(), urls = [];
      data.items.forEach(function (item) {
        if (item.url) {
          if (shownUrls[item.url]) { return; }
          shownUrls[item.url] = true;
          urls.push(item.url);
        }
        marker(item, data.clusters).addTo(layer);
      });
      drawn[tile] = { layer: layer.addTo(map), urls: urls };
    }

    function undraw(tile) {
      map.removeLayer(drawn[tile].layer);
      drawn[tile].urls.forEach(function (u) { delete shownUrls[u]; });
      delete drawn[tile];
    }

    function load() {
      var wanted = {};
      tilesInView().forEach(function (tile) { wanted[tile] = true; });
      Object.keys(drawn).forEach(function (tile) { if (!wanted[tile]) { undraw(tile); } });
      Object.keys(loading).forEach(function (tile) {
        if (!wanted[tile]) { loading[tile].abort(); delete loading[tile]; }
      });
      Object.keys(wanted).forEach(function (tile) {
        if (drawn[tile] || loading[tile]) { return; }
        if (answers[tile]) { draw(tile, answers[tile]); return; }
        var control = new AbortController();
        loading[tile] = control;
        fetch(url + "?tile=" + tile + (query ? "&" + query : ""), { signal: control.signal, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (loading[tile] !== control) { return; }
            delete loading[tile];
            if (!data) { return; }
            if (Object.keys(answers).length >= 1000) { answers = {}; } // a long visit keeps a bounded memory
            answers[tile] = data;
            draw(tile, data);
          })
          .catch(function () {
            // An aborted request's tile left the view; a failed one is asked again at the next move.
            if (loading[tile] === control) { delete loading[tile]; }
          });
      });
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
