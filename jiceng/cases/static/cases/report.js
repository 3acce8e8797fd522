// The phone-sized report form (residents) and patrol form (grid workers): the pin first (a map that shows
// the city at once: the platform's own base map, jiceng/basemap.js), the address of the pin, similar open
// reports near it (published ones, each with "same problem: follow it"), then the kind of problem (common
// ones with icons, a search, the whole tree), photo and details. Settings come from data-* attributes of
// #pin and the outline from #outline (json_script); every name and category reaches the page as text only.
(function () {
  var el = document.getElementById("pin");
  var lat = document.getElementById("lat"), lng = document.getElementById("lng"), where = document.getElementById("where");
  var select = document.getElementById("category");
  var map = null, nearbyLayer = null;

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value == null ? "" : String(value);
    if (cls) node.className = cls;
    return node;
  }

  // Similar open reports near the pin: markers on the map and a list, each with a link to follow it.
  function showNearby() {
    var box = document.getElementById("nearby"), list = document.getElementById("nearby-list");
    if (!el || !box || !el.dataset.nearbyUrl || !lat.value || !lng.value) return;
    var url = el.dataset.nearbyUrl + "?lat=" + encodeURIComponent(lat.value) + "&lng=" + encodeURIComponent(lng.value) +
      "&category=" + encodeURIComponent(select ? select.value : "");
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { cases: [] }; }).then(function (data) {
      while (list.firstChild) list.removeChild(list.firstChild);
      if (nearbyLayer) nearbyLayer.clearLayers();
      var cases = data.cases || [];
      box.hidden = cases.length === 0;
      cases.forEach(function (c) {
        var href = el.dataset.followUrl.replace("CODE", encodeURIComponent(c.code));
        var li = document.createElement("li");
        li.appendChild(text("span", c.category + " · " + c.status + " · " + c.received));
        if (c.description) li.appendChild(text("div", c.description, "muted"));
        var a = text("a", el.dataset.sameLabel, "button secondary same-problem");
        a.href = href;
        li.appendChild(a);
        list.appendChild(li);
        if (map && nearbyLayer) {
          var m = L.circleMarker([c.lat, c.lng], { radius: 8, weight: 2, color: c.same ? "#e65100" : "#6d4c41",
                                                    fillColor: "#ffb74d", fillOpacity: 0.8, className: "nearby-point" });
          var pop = document.createElement("div");
          pop.appendChild(text("strong", c.category));
          pop.appendChild(text("div", c.status + " · " + c.received));
          var link = text("a", el.dataset.sameLabel, "same-problem");
          link.href = href;
          pop.appendChild(link);
          m.bindPopup(pop);
          m.addTo(nearbyLayer);
        }
      });
    }).catch(function () {});
  }

  if (el && window.L) {
    map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], parseInt(el.dataset.zoom, 10));
    var marker = null;
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(map);
    var source = document.getElementById("outline");
    var outline = source ? JSON.parse(source.textContent || "null") : null;
    if (outline && outline.features && outline.features.length) {
      var layer = L.geoJSON(outline, {
        style: { weight: 1.5, color: "#b71c1c", fillOpacity: 0.02 },
        onEachFeature: function (f, l) { l.bindTooltip(Jiceng.textNode(f.properties.name), { sticky: true }); }
      }).addTo(map);
      if (el.dataset.fit) map.fitBounds(layer.getBounds());
    }
    nearbyLayer = L.layerGroup().addTo(map);
    var put = function (a, b) {
      lat.value = a.toFixed(6); lng.value = b.toFixed(6);
      if (Jiceng.pinAddress) Jiceng.pinAddress(a, b, where); else where.textContent = lat.value + ", " + lng.value;
      if (marker) marker.setLatLng([a, b]); else marker = L.marker([a, b]).addTo(map);
      if (window.htmx && select && select.value) htmx.trigger("#category", "change");
      showNearby();
    };
    map.on("click", function (e) { put(e.latlng.lat, e.latlng.lng); });
    var locate = document.getElementById("locate");
    if (locate) locate.addEventListener("click", function () {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (p) {
        put(p.coords.latitude, p.coords.longitude);
        map.setView([p.coords.latitude, p.coords.longitude], 17);
      });
    });
    if (lat.value && lng.value) put(parseFloat(lat.value), parseFloat(lng.value));
  }

  // The kind of problem: common ones as icon buttons, a search over the whole tree, the select keeps the value.
  if (select) {
    var chips = document.querySelectorAll("#common-categories .cat-chip");
    var choose = function (code) {
      select.value = code;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    };
    var mark = function () {
      chips.forEach(function (c) { c.setAttribute("aria-pressed", c.dataset.code === select.value ? "true" : "false"); });
    };
    chips.forEach(function (c) { c.addEventListener("click", function () { choose(c.dataset.code); }); });
    select.addEventListener("change", function () { mark(); if (lat.value) showNearby(); });
    var search = document.getElementById("category-search"), matches = document.getElementById("category-matches");
    if (search && matches) search.addEventListener("input", function () {
      var q = search.value.trim();
      while (matches.firstChild) matches.removeChild(matches.firstChild);
      if (!q) { matches.hidden = true; return; }
      var found = 0;
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.value || found >= 12) return;
        var group = o.dataset.group || "";
        if (o.text.indexOf(q) < 0 && group.indexOf(q) < 0 && o.value.toLowerCase() !== q.toLowerCase()) return;
        found += 1;
        var li = document.createElement("li"), b = document.createElement("button");
        b.type = "button";
        b.appendChild(text("span", o.text));
        b.appendChild(text("small", group));
        b.addEventListener("click", function () {
          choose(o.value); search.value = ""; matches.hidden = true;
          while (matches.firstChild) matches.removeChild(matches.firstChild);
        });
        li.appendChild(b);
        matches.appendChild(li);
      });
      matches.hidden = found === 0;
    });
  }

  // The SMS-code button: a refusal (4xx, e.g. a wrong number or too many codes) is shown, not dropped.
  var send = document.getElementById("send-code");
  if (send) send.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
})();
