// The page's only JavaScript besides DKFDS and htmx; the Content-Security-Policy allows no
// inline script or handler, so behaviour is attached here by data attributes.
(function () {
  "use strict";
  function init() {
    if (window.DKFDS) { window.DKFDS.init(); }
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
    document.body.addEventListener("htmx:afterSettle", scrollableTables);
    // <select data-autosubmit>: choosing an option submits its form (filters on list pages).
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
    });
  }
  // Every table in the page scrolls inside its own box, never the whole page (WCAG 1.4.10);
  // a box that does scroll can be reached and scrolled with the keyboard (WCAG 2.1.1).
  function scrollableTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table--responsive-scroll") &&
          !box.classList.contains("overflow-x-auto")) {
        box = document.createElement("div");
        box.className = "table--responsive-scroll";
        table.parentElement.insertBefore(box, table);
        box.appendChild(table);
      }
    });
    var named = {};
    document.querySelectorAll("main .table--responsive-scroll, main .overflow-x-auto").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        // Each region its own name (WCAG landmark-unique): the table's caption, else the
        // heading above it, else the page's title; a name already given gets a number.
        var name = regionName(box);
        named[name] = (named[name] || 0) + 1;
        box.setAttribute("aria-label", named[name] > 1 ? name + " (" + named[name] + ")" : name);
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  function regionName(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var above = null;
    document.querySelectorAll("main h1, main h2, main h3, main h4").forEach(function (heading) {
      if (heading.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) {
        above = heading;
      }
    });
    if (above && above.textContent.trim()) { return above.textContent.trim().replace(/\s+/g, " "); }
    return document.title.split(" · ")[0];
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
