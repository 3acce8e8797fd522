// The phone finder: the phone's location (or one typed in, WGS-84/GCJ-02/BD-09), the chosen amenity,
// the nearest stations open now by walking distance. Everything reaches the DOM as text.
(function () {
  var form = document.getElementById("finder");
  if (!form) return;
  var text = JSON.parse(document.getElementById("finder-text").textContent);
  var status = document.getElementById("finder-status");
  var list = document.getElementById("results");
  function show(data) {
    list.textContent = "";
    if (!data.results.length) { status.textContent = text.none; return; }
    status.textContent = "";
    data.results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = form.dataset.public.replace("/0/", "/" + r.id + "/");
      a.textContent = r.name;
      a.className = "station-name";
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = r.distance_m + " m · " + r.walk_min + " " + text.walk + " · " + text.today + " " + r.today_hours;
      li.appendChild(meta);
      var addr = document.createElement("span");
      addr.className = "meta";
      addr.textContent = r.address;
      li.appendChild(addr);
      list.appendChild(li);
    });
    form.dataset.done = String(data.results.length);
  }
  function search(lat, lng, crs) {
    var q = new URLSearchParams({ lat: lat, lng: lng, crs: crs, amenity: form.amenity.value });
    fetch(form.dataset.api + "?" + q.toString()).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { list.textContent = ""; status.textContent = res.body.detail || text.error; form.dataset.done = "error"; return; }
      show(res.body);
    }).catch(function () { status.textContent = text.error; });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var lat = form.lat.value.trim(), lng = form.lng.value.trim();
    if (lat && lng) { search(lat, lng, form.crs.value); return; }
    if (!navigator.geolocation) { status.textContent = text.no_location; document.getElementById("manual").open = true; return; }
    status.textContent = text.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      search(pos.coords.latitude, pos.coords.longitude, "wgs84");
    }, function () { status.textContent = text.no_location; document.getElementById("manual").open = true; },
    { enableHighAccuracy: true, timeout: 8000 });
  });
})();
