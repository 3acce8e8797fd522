// The call form: one map for all posts (tap it to put the chosen post's place) and "add a post", which
// copies the formset's empty form. Settings come from data-* attributes of #call-map; no inline script.
(function () {
  var posts = document.getElementById("posts");
  var template = document.getElementById("post-template");
  var total = document.getElementById("id_posts-TOTAL_FORMS");
  var add = document.getElementById("add-post");
  if (add && posts && template && total) add.addEventListener("click", function () {
    var n = parseInt(total.value, 10);
    // The empty form is cloned as nodes (never HTML from a string): its names and ids say __prefix__, its
    // heading __num__.
    var copy = template.content.cloneNode(true);
    var walker = document.createTreeWalker(copy, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (node.nodeValue.indexOf("__num__") >= 0) node.nodeValue = node.nodeValue.replace(/__num__/g, String(n + 1));
        continue;
      }
      for (var a = 0; a < node.attributes.length; a++) {
        var attr = node.attributes[a];
        if (attr.value.indexOf("__prefix__") >= 0 || attr.value.indexOf("__num__") >= 0)
          node.setAttribute(attr.name, attr.value.replace(/__prefix__/g, String(n)).replace(/__num__/g, String(n + 1)));
      }
    }
    posts.appendChild(copy);
    total.value = String(n + 1);
    // A new post starts with the previous post's shift (most posts of a call share it).
    ["shift_start", "shift_end"].forEach(function (name) {
      var prev = document.getElementById("id_posts-" + (n - 1) + "-" + name);
      var next = document.getElementById("id_posts-" + n + "-" + name);
      if (prev && next && !next.value) next.value = prev.value;
    });
    var radios = posts.querySelectorAll(".pin-target");
    radios[radios.length - 1].checked = true;
  });
  var el = document.getElementById("call-map");
  if (!el || !window.L) return;
  var map = L.map(el).setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)], parseInt(el.dataset.zoom, 10));
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles).addTo(map);
  var markers = [];
  var target = function () {
    var forms = posts.querySelectorAll(".post-form");
    for (var i = 0; i < forms.length; i++) {
      var r = forms[i].querySelector(".pin-target");
      if (r && r.checked) return [i, forms[i]];
    }
    return [0, forms[0]];
  };
  map.on("click", function (e) {
    var t = target(), i = t[0], form = t[1];
    if (!form) return;
    form.querySelector("[data-lat]").value = e.latlng.lat.toFixed(6);
    form.querySelector("[data-lng]").value = e.latlng.lng.toFixed(6);
    if (markers[i]) markers[i].setLatLng(e.latlng);
    else markers[i] = L.marker(e.latlng, { title: String(i + 1) }).addTo(map);
  });
})();
