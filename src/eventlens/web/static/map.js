// Maps of the eventlens UI: country outlines (served by this server) as the basemap, incidents as circles.
// No inline script anywhere (CSP script-src 'self'): everything a map needs comes from data- attributes.
(function () {
  "use strict";

  function basemap(element) {
    var map = L.map(element, { worldCopyJump: true, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Outlines: Natural Earth");
    fetch(element.dataset.outlines)
      .then(function (r) { return r.json(); })
      .then(function (outlines) {
        L.geoJSON(outlines, { style: { color: "#8a9aa8", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 }, interactive: false })
          .addTo(map).bringToBack();
      });
    return map;
  }

  function marker(point, radius) {
    return L.circleMarker([point.lat, point.lon], {
      radius: radius, color: "#a11d1d", weight: 1.5, fillColor: "#e0413a", fillOpacity: 0.6, className: "incident-marker"
    });
  }

  // Tooltips get a text node, never a string: Leaflet would parse a string as HTML (article text is hostile).
  function text(value) { var span = document.createElement("span"); span.textContent = value; return span; }

  function radiusOf(killed) { return 4 + 3 * Math.sqrt(killed || 0); }

  var single = document.getElementById("incident-map");
  if (single) {
    var lat = parseFloat(single.dataset.lat), lon = parseFloat(single.dataset.lon);
    var map = basemap(single);
    map.setView([lat, lon], 6);
    marker({ lat: lat, lon: lon }, parseFloat(single.dataset.radius) || 6).bindTooltip(text(single.dataset.label)).addTo(map);
  }

  var all = document.getElementById("map");
  if (all) {
    var world = basemap(all);
    world.setView([20, 10], 2);
    fetch(all.dataset.points)
      .then(function (r) { return r.json(); })
      .then(function (points) {
        var bounds = [];
        points.forEach(function (p) {
          var label = (p.date || "undated") + " · " + (p.location || "") + " · killed " + (p.killed_best === null ? "?" : p.killed_best);
          var m = marker(p, radiusOf(p.killed_best)).bindTooltip(text(label)).addTo(world);
          m.on("click", function () { window.location.href = "/incidents/" + encodeURIComponent(p.id); });
          bounds.push([p.lat, p.lon]);
        });
        if (bounds.length) { world.fitBounds(bounds, { maxZoom: 7, padding: [30, 30] }); }
      });
  }
})();
