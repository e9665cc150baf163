/* Loaded in the head (no inline script: the Content-Security-Policy forbids it). Tells
   Bootstrap Italia where its fonts are, from this tag's data-fonts, and loads them once the
   bundle at the end of the body has run. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (script && script.dataset.fonts) { window.__PUBLIC_PATH__ = script.dataset.fonts; }
  document.addEventListener("DOMContentLoaded", function () {
    if (window.bootstrap && window.bootstrap.loadFonts) { window.bootstrap.loadFonts(); }
  });
})();
