// Site-wide behaviour that Material does not provide. Loaded on every page, so it stays tiny.
(function () {
  "use strict";

  // ---- Language switcher that survives instant navigation ----------------------------------
  // The header (and its switcher) is not replaced by instant navigation; the content is. The
  // content carries this page's alternates (overrides/main.html), so re-point the switcher after
  // every navigation, and switch languages with a full page load so the header changes language too.
  function alternates() {
    var found = {};
    document.querySelectorAll(".bk-alternates [data-lang]").forEach(function (el) {
      found[el.getAttribute("data-lang")] = new URL(el.getAttribute("data-href"), location.href).href;
    });
    return found;
  }
  function repointSwitcher() {
    var links = alternates();
    var current = document.documentElement.lang;
    document.querySelectorAll(".md-select__link[hreflang]").forEach(function (a) {
      var target = links[a.getAttribute("hreflang")];
      if (target) a.href = target;
      // the reader's language is marked (and announced) in the menu
      if (a.getAttribute("hreflang") === current) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest(".md-select__link[hreflang]");
    if (!link) return;
    var target = alternates()[link.getAttribute("hreflang")];
    if (!target) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    // same section in the other language: headings carry the same English anchors in both
    location.assign(target + location.hash);
  }, true);

  // ---- Accessibility fixes for Material's markup ------------------------------------------
  // The search dialog has no accessible name; give it the (localized) text of its input.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector(".md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.placeholder);
    }
  }
  // A nav section that has an index page is labelled by an icon-only toggle; name it by its title.
  function nameNavSections() {
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if (label && !label.textContent.trim() && title) {
        nav.removeAttribute("aria-labelledby");
        nav.setAttribute("aria-label", title.textContent.trim());
      }
    });
  }
  // Each code block's copy button sits in a <nav>, so a page has many unnamed navigation
  // landmarks. They are not navigation: drop the landmark role. Material adds them while it
  // mounts the page (and again when a tab is first shown), so watch for them.
  function codeToolbars() {
    document.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }
  // One scan per frame at most: mounting a page fires thousands of mutations, and a scan per
  // mutation batch was a long task on phones.
  var toolbarsQueued = false;
  new MutationObserver(function () {
    if (toolbarsQueued) return;
    toolbarsQueued = true;
    requestAnimationFrame(function () {
      toolbarsQueued = false;
      codeToolbars();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  // Wide tables scroll sideways; keyboard users must be able to focus them to scroll. Measured by a
  // ResizeObserver, after layout: reading scrollWidth while the page mounts forced a layout of the
  // whole page inside a script task (a long task on phones). It also follows a rotated phone.
  var scrollers = new ResizeObserver(function (entries) {
    // All reads before any write: a write between reads would force a layout per table.
    var wide = entries.map(function (entry) {
      return entry.target.scrollWidth > entry.target.clientWidth;
    });
    entries.forEach(function (entry, i) {
      if (wide[i] !== (entry.target.getAttribute("tabindex") === "0")) {
        if (wide[i]) entry.target.tabIndex = 0;
        else entry.target.removeAttribute("tabindex");
      }
    });
  });
  function focusableScrollers() {
    scrollers.disconnect(); // the previous page's tables are gone after an instant navigation
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      scrollers.observe(wrap);
    });
  }

  function onPage() {
    repointSwitcher();
    nameSearchDialog();
    nameNavSections();
    codeToolbars();
    focusableScrollers();
  }
  if (window.document$) {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
