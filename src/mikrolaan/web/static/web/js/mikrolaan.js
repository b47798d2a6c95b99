// The page's only JavaScript besides DKFDS and htmx; the Content-Security-Policy allows no
// inline script or handler, so behaviour is attached here by data attributes.
(function () {
  "use strict";
  function init() {
    if (window.DKFDS) { window.DKFDS.init(); }
    // <select data-autosubmit>: choosing an option submits its form (filters on list pages).
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { if (el.form) { el.form.submit(); } });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
