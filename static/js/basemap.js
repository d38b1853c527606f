/* «Соседи»: the base map every map script starts from — Leaflet with the configured tile server
   (data-tiles, data-attribution on the map's element), or a plain background when none is set.
   Loaded (deferred) before the page's own map script. */
window.sosediBaseMap = function (el, options) {
  "use strict";
  var map = L.map(el, Object.assign({ zoomControl: true, attributionControl: true }, options || {}));
  // Plain text prefix: the map needs no outside link in its corner.
  map.attributionControl.setPrefix("Leaflet");
  var tiles = el.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  return map;
};
