// The search box's index: the page's own language only, fetched once the reader starts to search.
// Material's bundle requests `search/search_index.json` at the site root (an XMLHttpRequest) as soon
// as a page loads, and both languages share that root. This runs before the bundle: it points that
// one request at this language's index (data-index, written by main.html) and holds it back until
// the search box is first focused or opened.
(function () {
  "use strict";
  var script = document.currentScript;
  var index = new URL(script.getAttribute("data-index"), location.href).href;  // relative to the page
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = new WeakSet();
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

  XMLHttpRequest.prototype.open = function (method, url) {
    var target = new URL(String(url), location.href);
    var args = Array.prototype.slice.call(arguments);
    if (target.origin === location.origin && /\/search\/search_index\.json$/.test(target.pathname)) {
      held.add(this);
      args[1] = index;
    }
    return open.apply(this, args);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!held.has(this)) return send.apply(this, arguments);
    var request = this;
    var args = arguments;
    searchStarted().then(function () { send.apply(request, args); });
  };
})();
