// Behaviour shared by every page, loaded from base.html. The site's Content-Security-Policy allows no
// inline script and no on* attribute: a page asks for behaviour with data-* attributes instead.
//   <select data-autosubmit>  submits its form when changed (language, "colour by" selects)
//   <button data-print>       prints the page
//   <button data-menu-toggle> opens and closes the menu on a phone
(function () {
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) { e.preventDefault(); window.print(); }
    // <button data-menu-toggle aria-controls="id">: opens and closes the phone menu (site.css hides it
    // on a narrow screen until the header has the class "menu-open")
    var toggle = e.target && e.target.closest ? e.target.closest("[data-menu-toggle]") : null;
    if (toggle) {
      var header = toggle.closest("header");
      var open = header.classList.toggle("menu-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
})();

// Text for the DOM: maps and charts call these with user strings (unit names, categories), never
// building HTML from them. Leaflet takes the element; plotly (which reads a small HTML subset in labels)
// gets the string with <, > and & escaped, which it shows back as the characters.
window.Jiceng = {
  textNode: function (value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  },
  plotText: function (value) {
    return String(value == null ? "" : value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
};
