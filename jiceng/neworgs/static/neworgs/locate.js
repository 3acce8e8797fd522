// The patrol form: "Use my location" fills latitude and longitude from the phone (WGS-84).
(function () {
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) { return; }
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_lng").value = pos.coords.longitude.toFixed(6);
      document.getElementById("id_crs").value = "wgs84";
    }, function () { button.disabled = true; });
  });
})();
