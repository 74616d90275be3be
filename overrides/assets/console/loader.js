// Loads the API console (console.js + console.css) only on pages that have one, after every
// Material page load, instant navigation included. Mounting is idempotent.
(() => {
  const dir = new URL(".", (document.currentScript || {}).src || location.href).href;
  let mod;
  const run = () => {
    const forms = document.querySelectorAll("form[data-operation]:not([data-mounted])");
    if (!forms.length) return;
    if (!document.querySelector("link[data-bkc]")) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = dir + "console.css";
      css.dataset.bkc = "";
      document.body.append(css); // Material prunes <head> on instant navigation
    }
    (mod ||= import(dir + "console.js")).then((m) => forms.forEach(m.mount));
  };
  const d$ = window.document$;
  if (d$) d$.subscribe(run);
  else if (document.readyState == "loading") addEventListener("DOMContentLoaded", run);
  else run();
})();
