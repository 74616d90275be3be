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

  // Listen from the start: the reader may reach the search box before the bundle sends its request.
  var started = new Promise(function (resolve) {
    function start(event) {
      if (event.type === "focusin" && !event.target.matches(".md-search__input")) return;
      if (event.type === "change" && !(event.target && event.target.id === "__search")) return;
      document.removeEventListener("focusin", start, true);
      document.removeEventListener("change", start, true);
      resolve();
    }
    document.addEventListener("focusin", start, true);
    document.addEventListener("change", start, true);  // the search toggle (#__search) on phones
  });

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
    started.then(function () { send.apply(request, args); });
  };
})();
