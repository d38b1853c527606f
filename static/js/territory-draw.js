/* «Соседи»: drawing an initiative project's territory, and showing it on the project page.
   Progressive enhancement — without this file the GeoJSON textarea and the text description do the job. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var REGION_CENTRE = [51.53, 46.03];
  var TOS_STYLE = { color: "#0b5394", weight: 2, dashArray: "6 4", fillOpacity: 0.08 };
  var AREA_STYLE = { color: "#1e6b2e", weight: 3, fillOpacity: 0.25 };

  var baseMap = window.sosediBaseMap;  // static/js/basemap.js

  function parse(text) {
    try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
  }

  function fit(map, layers) {
    var bounds = null;
    layers.forEach(function (layer) {
      if (layer && layer.getLayers && layer.getLayers().length) {
        bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
      }
    });
    if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 }); return true; }
    return false;
  }

  // ---- the project page: the drawn territory, or else the ТОС boundary
  var viewEl = document.getElementById("territory-map");
  if (viewEl) {
    var view = baseMap(viewEl);
    var source = document.getElementById("territory-geojson");
    var shown = L.geoJSON(source ? parse(source.textContent) : null, {
      style: viewEl.getAttribute("data-kind") === "tos" ? TOS_STYLE : AREA_STYLE
    }).addTo(view);
    if (!fit(view, [shown])) { view.setView(REGION_CENTRE, 11); }
    viewEl.hidden = false;
    view.invalidateSize();
  }

  // ---- the project form: click to add vertices; the textarea holds the result as GeoJSON
  var drawEl = document.getElementById("territory-draw");
  var textarea = document.getElementById("id_territory_geojson");
  if (!drawEl || !textarea) { return; }
  var controls = document.getElementById("territory-draw-controls");
  var status = document.getElementById("territory-draw-status");
  drawEl.hidden = false;
  controls.hidden = false;
  var map = baseMap(drawEl);
  var tosLayer = L.geoJSON(null, { style: TOS_STYLE, interactive: false }).addTo(map);
  var drawnLayer = L.geoJSON(null, { style: AREA_STYLE, interactive: false }).addTo(map);
  var points = [];          // [lat, lng] of the polygon being drawn
  var live = L.polygon([], AREA_STYLE).addTo(map);
  var markers = L.layerGroup().addTo(map);

  function say(text) { status.textContent = text; }

  function redraw() {
    live.setLatLngs(points);
    markers.clearLayers();
    points.forEach(function (p) { L.circleMarker(p, { radius: 5, color: "#1e6b2e", fillOpacity: 1 }).addTo(markers); });
    if (points.length) { drawnLayer.clearLayers(); }
    say(points.length ? "Точек: " + points.length + (points.length < 3 ? " (нужно не меньше трёх)" : "") :
      "Нажимайте на карту, чтобы отметить углы территории.");
  }

  function showStored() {
    drawnLayer.clearLayers();
    var stored = parse(textarea.value.trim());
    if (stored) { try { drawnLayer.addData(stored); } catch (e) { drawnLayer.clearLayers(); } }
  }

  map.on("click", function (e) {
    points.push([+e.latlng.lat.toFixed(6), +e.latlng.lng.toFixed(6)]);
    redraw();
  });
  document.getElementById("territory-undo").addEventListener("click", function () { points.pop(); redraw(); });
  document.getElementById("territory-clear").addEventListener("click", function () {
    points = []; textarea.value = ""; drawnLayer.clearLayers(); redraw();
  });
  document.getElementById("territory-done").addEventListener("click", function () {
    if (points.length < 3) { say("Отметьте на карте не меньше трёх точек."); return; }
    // GeoJSON order is [долгота, широта]; the ring is closed by repeating the first point.
    var ring = points.map(function (p) { return [p[1], p[0]]; });
    ring.push(ring[0]);
    textarea.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    points = [];
    redraw();
    showStored();
    say("Территория записана в поле ниже. Проверка — при сохранении проекта.");
  });
  textarea.addEventListener("change", showStored);

  // The ТОС boundary for reference: the project's own ТОС, or the one chosen in the form.
  var tosSelect = document.getElementById("id_tos");
  var pending = null;
  function loadTos(id, refit) {
    tosLayer.clearLayers();
    if (!id) { return; }
    if (pending) { pending.abort(); }
    pending = new XMLHttpRequest();
    pending.open("GET", drawEl.getAttribute("data-tos-api") + id);
    pending.onload = function () {
      if (this.status !== 200) { return; }
      var tos = JSON.parse(this.responseText);
      if (tos.boundary) { tosLayer.addData(tos.boundary); if (refit) { fit(map, [tosLayer, drawnLayer]); } }
    };
    pending.send();
  }
  if (tosSelect) { tosSelect.addEventListener("change", function () { loadTos(tosSelect.value, true); }); }
  showStored();
  var lat = parseFloat((document.getElementById("id_lat") || {}).value);
  var lon = parseFloat((document.getElementById("id_lon") || {}).value);
  if (!fit(map, [drawnLayer])) {
    map.setView(isFinite(lat) && isFinite(lon) ? [lat, lon] : REGION_CENTRE, 15);
  }
  loadTos(drawEl.getAttribute("data-tos-id") || (tosSelect && tosSelect.value), !drawnLayer.getLayers().length);
  redraw();
}());
