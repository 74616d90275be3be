// Mounts the API console (console.js + console.css) on pages that have one, after every Material
// page load including instant navigation. Pages without a console load nothing but this file.
(() => {
  const dir = new URL(".", (document.currentScript || {}).src || location.href).href;
  /** @type {Promise<{mount: (f: HTMLFormElement) => void}> | undefined} */
  let mod;
  const run = () => {
    const forms = document.querySelectorAll("form[data-operation]:not([data-mounted])");
    if (!forms.length) return;
    if (!document.querySelector("link[data-bkc]")) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = dir + "console.css";
      css.dataset.bkc = "";
      document.head.append(css);
    }
    (mod ||= import(dir + "console.js")).then((m) => forms.forEach((f) => m.mount(/** @type {HTMLFormElement} */ (f))));
  };
  const d$ = /** @type {any} */ (window).document$;
  if (d$) d$.subscribe(run);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
