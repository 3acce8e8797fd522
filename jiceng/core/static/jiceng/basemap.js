// The platform's own base map, shared by every Leaflet map of the site (issue 18, item 2). Loaded by
// base.html before any page script: when Leaflet arrives (window.L is set), a map init hook is installed,
// and every map that has no tile layer once its page script has run (JICENG_MAP_TILES unset, as on most
// intranets) gets the base map drawn from the platform's data: streets (the walking network, or grid and
// compound edges), outlines of communities, grids, compounds and buildings, and their names at suitable
// zooms (tiles of /network/basemap/{z}/{x}/{y}.json, public base geometry only). Nothing is interactive,
// so the page's own layers keep every click and tooltip. A page opts out with L.map(el, {jicengBase: false}).
//
// Jiceng.pinAddress(lat, lng, element): writes the address of a pin (the nearest gazetteer address, else
// community and grid; coordinates only outside the city) into the element as text.
(function () {
  var me = document.currentScript;
  var TILE_URL = me ? me.dataset.tileUrl : "";  // ".../basemap/8/0/0.json": the 8/0/0 is replaced
  var ADDRESS_URL = me ? me.dataset.addressUrl : "";
  var J = window.Jiceng = window.Jiceng || {};
  var MIN_Z = 8, MAX_Z = 19;
  var PANES = [["jcbase-area", 240], ["jcbase-road", 245], ["jcbase-bldg", 247], ["jcbase-label", 390]];
  var PANE_OF = { street: "jcbase-area", community: "jcbase-area", compound: "jcbase-area",
                  grid: "jcbase-road", road: "jcbase-road", building: "jcbase-bldg" };
  var LABEL_RANK = { street: 0, community: 1, grid: 2, compound: 3, building: 4 };

  function tileUrl(z, x, y) { return TILE_URL.replace(/8\/0\/0\.json$/, z + "/" + x + "/" + y + ".json"); }

  function lon2tile(lng, z) { return Math.floor((lng + 180) / 360 * Math.pow(2, z)); }
  function lat2tile(lat, z) {
    var r = lat * Math.PI / 180;
    return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * Math.pow(2, z));
  }

  function define(L) {
    var Base = L.Layer.extend({
      options: { interactive: false },

      onAdd: function (map) {
        PANES.forEach(function (p) {
          if (!map.getPane(p[0])) { var pane = map.createPane(p[0]); pane.style.zIndex = p[1]; pane.style.pointerEvents = "none"; }
        });
        this._renderers = {};
        var self = this;
        ["jcbase-area", "jcbase-road", "jcbase-bldg"].forEach(function (name) {
          self._renderers[name] = L.svg({ pane: name, padding: 0.5 }).addTo(map);
        });
        this._labelBox = L.DomUtil.create("div", "jc-labels", map.getPane("jcbase-label"));
        this._group = L.layerGroup().addTo(map);
        this._tiles = {};
        this._seen = {};
        this._z = null;
        L.DomUtil.addClass(map.getContainer(), "jc-basemap");
        map.on("moveend", this._update, this);
        map.on("zoomstart", this._hideLabels, this);
        map.whenReady(this._update, this);
      },

      onRemove: function (map) {
        map.off("moveend", this._update, this);
        map.off("zoomstart", this._hideLabels, this);
        this._group.remove();
        var self = this;
        Object.keys(this._renderers).forEach(function (k) { self._renderers[k].remove(); });
        L.DomUtil.remove(this._labelBox);
        L.DomUtil.removeClass(map.getContainer(), "jc-basemap");
      },

      _hideLabels: function () { this._labelBox.style.display = "none"; },

      _update: function () {
        var map = this._map;
        if (!map) return;
        var z = Math.max(MIN_Z, Math.min(MAX_Z, Math.round(map.getZoom())));
        if (z !== this._z) { this._group.clearLayers(); this._tiles = {}; this._seen = {}; this._z = z; }
        var b = map.getBounds().pad(0.5), tz = z - 1, n = Math.pow(2, tz);
        var x0 = Math.max(0, lon2tile(b.getWest(), tz)), x1 = Math.min(n - 1, lon2tile(b.getEast(), tz));
        var y0 = Math.max(0, lat2tile(b.getNorth(), tz)), y1 = Math.min(n - 1, lat2tile(b.getSouth(), tz));
        if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) { this._placeLabels(); return; }  // far out: nothing to draw
        for (var x = x0; x <= x1; x++) {
          for (var y = y0; y <= y1; y++) {
            var key = z + "/" + x + "/" + y;
            if (!this._tiles[key]) { this._tiles[key] = { labels: [] }; this._fetch(z, x, y, key); }
          }
        }
        this._placeLabels();
      },

      _fetch: function (z, x, y, key) {
        var self = this;
        fetch(tileUrl(z, x, y), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { if (data && self._z === z && self._tiles[key]) self._draw(data, self._tiles[key]); })
          .catch(function () {});
      },

      _draw: function (data, tile) {
        var self = this, edges = data.roads !== "network";
        var kinds = ["street", "community", "compound", "grid", "road", "building"];
        kinds.forEach(function (kind) {
          data.features.forEach(function (f) {
            var p = f.properties;
            if (p.k !== kind) return;
            if (p.c) { if (self._seen[p.c]) return; self._seen[p.c] = true; }  // a unit met by several tiles
            var cls = "jc-" + kind + (edges && (kind === "grid" || kind === "compound") ? " jc-edge" : "");
            if (kind === "road") {  // a casing under the road
              L.geoJSON(f, { interactive: false, className: "jc-road-casing", renderer: self._renderers["jcbase-road"] })
                .addTo(self._group);
            }
            var drawn = L.geoJSON(f, { interactive: false, className: cls, renderer: self._renderers[PANE_OF[kind]] })
              .addTo(self._group);
            if (p.n) tile.labels.push({ kind: kind, name: p.n, at: p.at, bounds: kind === "road" ? null : drawn.getBounds() });
          });
        });
        this._placeLabels();
      },

      // Names as text, larger units first; a name that would cover one already placed is left out.
      _placeLabels: function () {
        var map = this._map, box = this._labelBox;
        if (!map) return;
        while (box.firstChild) box.removeChild(box.firstChild);
        box.style.display = "";
        var all = [];
        var self = this;
        Object.keys(this._tiles).forEach(function (k) { all = all.concat(self._tiles[k].labels); });
        // street level and closer, a compound's name is worth more than its community's
        var rank = function (l) { return map.getZoom() >= 15 && l.kind === "community" ? 3.5 : LABEL_RANK[l.kind]; };
        all.sort(function (a, b) { return rank(a) - rank(b); });
        var size = map.getSize(), taken = [], view = map.getBounds().pad(-0.15);
        all.forEach(function (l) {
          var at = l.at;
          // a large area whose own label point is out of view is named in the middle of its visible part
          if (l.bounds && !view.contains(at) && l.bounds.intersects(view)) {
            var s = Math.max(l.bounds.getSouth(), view.getSouth()), n = Math.min(l.bounds.getNorth(), view.getNorth());
            var w = Math.max(l.bounds.getWest(), view.getWest()), e = Math.min(l.bounds.getEast(), view.getEast());
            at = L.latLng((s + n) / 2, (w + e) / 2);
          }
          var pc = map.latLngToContainerPoint(at);
          if (pc.x < -50 || pc.y < -20 || pc.x > size.x + 50 || pc.y > size.y + 20) return;
          var w = Math.min(160, 7 + l.name.length * (l.kind === "community" ? 14 : 12)), h = 18;
          var r = { x0: pc.x - w / 2, x1: pc.x + w / 2, y0: pc.y - h / 2, y1: pc.y + h / 2 };
          for (var i = 0; i < taken.length; i++) {
            var t = taken[i];
            if (r.x0 < t.x1 && r.x1 > t.x0 && r.y0 < t.y1 && r.y1 > t.y0) return;
          }
          taken.push(r);
          var pl = map.latLngToLayerPoint(at);
          var div = L.DomUtil.create("div", "jc-label jc-label-" + l.kind, box);
          div.textContent = l.name;
          L.DomUtil.setPosition(div, pl);
        });
      }
    });
    J.BaseLayer = Base;
    J.baseLayer = function () { return new Base(); };
  }

  function install(L) {
    if (!L || !L.Map || L.Map._jicengBase) return;
    L.Map._jicengBase = true;
    define(L);
    L.Map.addInitHook(function () {
      var map = this;
      if (map.options.jicengBase === false || !TILE_URL) return;
      setTimeout(function () {  // after the page script has added its own layers
        var tiled = false;
        map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) tiled = true; });
        if (!tiled) map.jicengBase = J.baseLayer().addTo(map);
      }, 0);
    });
  }

  J.pinAddress = function (lat, lng, el) {
    var coords = lat.toFixed(5) + ", " + lng.toFixed(5);
    if (!el) return;
    el.textContent = coords;
    if (!ADDRESS_URL) return;
    fetch(ADDRESS_URL + "?lat=" + encodeURIComponent(lat) + "&lng=" + encodeURIComponent(lng), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (a) {
        var text = a.address ? (a.place ? a.address + " · " + a.place : a.address) : (a.place || coords);
        el.textContent = text;
        el.dataset.address = a.address || "";
        el.dispatchEvent(new CustomEvent("jiceng:address", { bubbles: true, detail: a }));
      })
      .catch(function () {});
  };

  var real = window.L;
  if (real) { install(real); return; }
  try {
    Object.defineProperty(window, "L", {
      configurable: true, enumerable: true,
      get: function () { return real; },
      set: function (value) { real = value; install(value); }
    });
  } catch (e) { /* an old browser: maps keep their page layers only */ }
})();
