"use strict";
// Select2, the admin's autocomplete widget, draws a combobox and a search box that have no
// name of their own: a screen reader announces "combobox" without saying for what (axe:
// aria-input-field-name, label). Give each the label of the <select> it stands for, again
// whenever Select2 redraws it (a new inline row, a choice added to a multiple select).
(function () {
  function labelFor(select) {
    const label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label) {
      if (!label.id) label.id = select.id + "_label";
      return {label: label, text: label.textContent.replace(/:\s*$/, "").trim()};
    }
    return {label: null, text: select.getAttribute("aria-label") || ""};
  }

  function name(select, container) {
    const found = labelFor(select);
    if (!found.text) return;
    container.querySelectorAll(".select2-selection").forEach(function (box) {
      const rendered = box.querySelector(".select2-selection__rendered");
      if (found.label && rendered && rendered.id) {
        box.setAttribute("aria-labelledby", found.label.id + " " + rendered.id);
      } else {
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", found.text);
      }
    });
    container.querySelectorAll(".select2-selection__rendered, .select2-search__field").forEach(
      function (element) {
        if (element.getAttribute("aria-label") !== found.text) {
          element.setAttribute("aria-label", found.text);
        }
      }
    );
  }

  function scan() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const container = select.nextElementSibling;
      if (container && container.classList.contains("select2")) name(select, container);
    });
  }

  let pending = false;
  function later() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      scan();
    });
  }

  window.addEventListener("load", function () {
    scan();
    new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
  });
})();
