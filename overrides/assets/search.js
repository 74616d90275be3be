// The search box's index: the page's own language only, fetched once the reader starts to search.
// Material's bundle requests `search/search_index.json` at the site root as soon as a page loads
// (both languages share that root); this runs before the bundle and answers that one request with
// this language's index (data-index, written by main.html) when the search box is first focused.
(function () {
  "use strict";
  var script = document.currentScript;
  var index = new URL(script.getAttribute("data-index"), location.href).href;  // relative to the page
  var request = window.fetch;
  var started = null;

  function searchStarted() {
    if (!started) {
      started = new Promise(function (resolve) {
        var toggle = document.getElementById("__search");
        function start(event) {
          if (event.type === "focusin" && !event.target.matches(".md-search__input")) return;
          document.removeEventListener("focusin", start, true);
          if (toggle) toggle.removeEventListener("change", start);
          resolve();
        }
        document.addEventListener("focusin", start, true);
        if (toggle) toggle.addEventListener("change", start);
      });
    }
    return started;
  }

  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin || !/\/search\/search_index\.json$/.test(url.pathname)) {
      return request.apply(this, arguments);
    }
    return searchStarted().then(function () { return request(index, init); });
  };
})();
