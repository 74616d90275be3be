// @ts-check
/**
 * The in-page API console. macros/console.py renders each console as a <form data-operation> with
 * its fields, labels and its metadata as JSON in `data-meta`; this module adds the behaviour: server and key
 * choice, token capture and refresh, sending, showing, code samples that follow the inputs, history and
 * sandbox helpers.
 *
 * Secrets (API key, tokens, TOTP secret) live in sessionStorage only, scoped by server base URL, and
 * never go into a URL. Responses are always inserted as text.
 */

/**
 * @typedef {{pin: Record<string, unknown>, f: string[], r: string[]}} Variant
 * @typedef {{op: string, method: string, path: string, bearer: boolean, key: boolean, body: boolean,
 *   keyHeader: string, servers: {sandbox: string, production: string}, sandboxKey: string,
 *   refresh: string, outbox?: string, examples?: Record<string, unknown>, v?: Variant[],
 *   s: Record<string, string>, sk: Record<string, string>, t: Record<string, string>}} Meta
 * @typedef {{accessToken: string, refreshToken: string, who: string}} Auth
 * @typedef {{method: string, url: string, path: string, base: string,
 *   headers: Record<string, string>, body?: string}} Req
 * @typedef {{status: number, statusText: string, ms: number, headers: string, text: string,
 *   json: any, size: number, redirect?: boolean}} Res
 * @typedef {{method: string, url: string, headers: [string, string][], body?: string}} Sent
 * @typedef {{op: string, method: string, path: string, fields: Record<string, string>, at: number,
 *   sent?: Sent, res?: Res, fail?: string[], notes: string[]}} Entry
 * @typedef {{form: HTMLFormElement, meta: Meta, out: HTMLOutputElement, panel: HTMLElement, busy?: boolean,
 *   tabs?: HTMLElement | null}} Con
 */

/* ---------------------------------------------------------------- storage (session only) */

const PREFIX = "bkc:";
/** @param {string} k */
const load = (k) => {
  try {
    return JSON.parse(sessionStorage.getItem(PREFIX + k) || "null");
  } catch {
    return null;
  }
};
/** @param {string} k @param {unknown} v */
const save = (k, v) =>
  v == null ? sessionStorage.removeItem(PREFIX + k) : sessionStorage.setItem(PREFIX + k, JSON.stringify(v));

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];
/** @param {string} url */
const isLoopback = (url) => {
  try {
    return LOOPBACK.includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

/** @returns {{choice: string, custom: string}} */
const serverChoice = () =>
  load("server") || { choice: LOOPBACK.includes(location.hostname) ? "sandbox" : "production", custom: "" };

/** @param {Meta} meta */
const baseUrl = (meta) => {
  const s = serverChoice();
  const url = s.choice === "custom" ? s.custom.trim() : meta.servers[/** @type {"sandbox"} */ (s.choice)];
  return (url || "").replace(/\/+$/, "");
};

/** The stored key for this server, else the sandbox key when the server is a sandbox. */
/** @param {Meta} meta @param {string} base */
const apiKey = (meta, base) => {
  const stored = load("key:" + base);
  if (stored != null) return stored;
  return serverChoice().choice === "sandbox" || isLoopback(base) ? meta.sandboxKey : "";
};

/** @param {string} base @returns {Auth | null} */
const auth = (base) => load("auth:" + base);

/** @param {string} jwt @returns {any} */
const claims = (jwt) => {
  try {
    const b64 = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))));
  } catch {
    return null;
  }
};

/* ---------------------------------------------------------------- small DOM helpers */

/**
 * @param {string} tag @param {string} [cls] @param {string} [text]
 * @returns {HTMLElement}
 */
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text; // text only: nothing from a server becomes HTML
  return e;
};

/** @param {string} s @param {Record<string, unknown>} [v] */
const fmt = (s, v = {}) => s.replace(/\{(\w+)\}/g, (m, k) => (k in v ? String(v[k]) : m));

/** @param {HTMLFormElement} form @param {string} name @returns {any} */
const field = (form, name) => form.elements.namedItem(name);

/* ---------------------------------------------------------------- all consoles on the page */

/** @type {Set<Con>} */
const consoles = new Set();
/** @type {number | undefined} */
let ticker;

/** Re-render every mounted console's shared state (server, key, sign-in panel, history). */
function broadcast() {
  for (const c of consoles) {
    if (c.form.isConnected) sync(c);
    else consoles.delete(c);
  }
  if (!consoles.size) ticker = void clearInterval(ticker);
}

/** Once a second: the token countdown of every console on the page. */
function tick() {
  for (const c of consoles) {
    if (c.form.isConnected) paintPanel(c, baseUrl(c.meta));
    else consoles.delete(c);
  }
  if (!consoles.size) ticker = void clearInterval(ticker);
}

/** @param {HTMLInputElement | HTMLSelectElement} input @param {string} value */
const setIfIdle = (input, value) => {
  if (document.activeElement !== input && input.value !== value) input.value = value;
};

/** @param {Con} c */
function sync(c) {
  const { form, meta } = c;
  const s = serverChoice();
  setIfIdle(field(form, "server"), s.choice);
  const custom = field(form, "custom");
  setIfIdle(custom, s.custom);
  custom.closest("label").hidden = s.choice !== "custom";
  const base = baseUrl(meta);
  setIfIdle(field(form, "apiKey"), apiKey(meta, base));
  const totp = field(form, "totp");
  if (totp && !totp.value) totp.value = load("totp:" + base) || "";
  const outboxButton = /** @type {HTMLElement | null} */ (form.querySelector("[data-act=outbox]"));
  if (outboxButton) outboxButton.hidden = !(s.choice === "sandbox" || isLoopback(base));
  // an untouched userId becomes the signed-in User's own id (the token's subject)
  const sub = claims(auth(base)?.accessToken || "")?.sub;
  const uid = field(form, "p:path:userId");
  if (uid && /^[0-9a-f]{24}$/.test(sub) && (uid.value === uid.defaultValue || uid.dataset.auto != null)) {
    uid.value = sub;
    uid.dataset.auto = "";
  }
  paintPanel(c, base);
  paintHistory(c);
  samples(c);
}

/** @param {number} ms */
const clock = (ms) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return (s >= 3600 ? Math.floor(s / 3600) + ":" : "") + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
};

/** @param {Con} c @param {string} base */
function paintPanel(c, base) {
  const { t } = c.meta;
  const a = auth(base);
  const [text, button] = /** @type {[HTMLElement, HTMLButtonElement]} */ ([...c.panel.children]);
  button.hidden = !a;
  if (!a) return void (text.textContent = t.signedOut);
  const exp = claims(a.accessToken)?.exp;
  const left = exp ? exp * 1000 - Date.now() : 0;
  text.textContent =
    fmt(t.signedIn, { who: a.who }) + " " + (left > 0 ? fmt(t.expiresIn, { t: clock(left) }) : t.expired);
}

/* ---------------------------------------------------------------- building and sending */

class Problem extends Error {}

/** @param {HTMLFormElement} form @returns {Record<string, string>} */
const snapshot = (form) => {
  /** @type {Record<string, string>} */
  const out = {};
  for (const e of /** @type {any[]} */ ([...form.elements]))
    if (/^(p:|body$|example$)/.test(e.name)) out[e.name] = e.value;
  return out;
};

/** @param {Con} c @returns {Req} */
function build(c) {
  const { form, meta } = c;
  const base = baseUrl(meta);
  if (!/^https?:\/\/[^/]+/.test(base)) throw new Problem(meta.t.badUrl);
  let path = meta.path;
  const query = new URLSearchParams();
  /** @type {Record<string, string>} */
  const headers = {};
  for (const e of /** @type {HTMLInputElement[]} */ ([...form.elements])) {
    const [kind, where, name] = e.name.split(":");
    if (kind !== "p") continue;
    if (where === "path") path = path.replace("{" + name + "}", encodeURIComponent(e.value));
    else if (e.value === "") continue;
    else if (where === "query") query.append(name, e.value);
    else headers[name] = e.value;
  }
  const key = field(form, "apiKey").value.trim();
  if (key && meta.key) headers[meta.keyHeader] = key; // `security: []` operations take no key
  /** @type {string | undefined} */
  let body;
  const raw = meta.body ? field(form, "body").value.trim() : "";
  if (raw) {
    try {
      body = JSON.stringify(JSON.parse(raw));
    } catch (e) {
      throw new Problem(fmt(meta.t.badJson, { detail: /** @type {Error} */ (e).message }));
    }
    headers["Content-Type"] = "application/json";
  }
  const qs = query.toString();
  path += qs ? "?" + qs : "";
  return { method: meta.method, url: base + path, path, base, headers, body };
}

/** @param {Req} req @param {string | undefined} token @returns {Promise<Res>} */
async function call(req, token) {
  const headers = { ...req.headers };
  if (token) headers.Authorization = "Bearer " + token;
  const t0 = performance.now();
  const r = await fetch(req.url, {
    method: req.method,
    headers,
    body: req.body,
    credentials: "omit",
    cache: "no-store",
    redirect: "manual",
  });
  const text = await r.text();
  const size = new Blob([text]).size;
  /** @type {any} */
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: r.status,
    statusText: r.statusText,
    ms: Math.round(performance.now() - t0),
    headers: [...r.headers].map(([k, v]) => k + ": " + v).join("\n"),
    text: text.slice(0, 65536),
    json,
    size,
    redirect: r.type === "opaqueredirect",
  };
}

/** @param {Res} res */
const errorCode = (res) => res.json?.error?.code;

/** Keep any token pair (and MFA secret) a response carries, for every console in the session. */
/** @param {Req} req @param {Res} res */
function capture(req, res) {
  const j = res.json;
  if (res.status >= 300 || !j || typeof j !== "object") return false;
  if (typeof j.secret === "string" && /^[A-Z2-7=]{16,}$/i.test(j.secret)) save("totp:" + req.base, j.secret);
  if (typeof j.accessToken !== "string" || typeof j.refreshToken !== "string") return false;
  const prev = auth(req.base);
  let sentEmail;
  try {
    sentEmail = req.body && JSON.parse(req.body).email;
  } catch {}
  const cl = claims(j.accessToken) || {};
  const who = cl.email || sentEmail || prev?.who || cl.sub || "?";
  save("auth:" + req.base, { accessToken: j.accessToken, refreshToken: j.refreshToken, who });
  return true;
}

/** @type {Record<string, Promise<Auth | null>>} */
const refreshing = {};

/** One refresh per server at a time, shared by every console that hit an expired token. */
/** @param {Meta} meta @param {Req} req @param {Auth} a */
function refresh(meta, req, a) {
  return (refreshing[req.base] ||= (async () => {
    /** @type {Req} */
    const r = {
      ...req,
      method: "POST",
      url: req.base + meta.refresh,
      headers: { [meta.keyHeader]: req.headers[meta.keyHeader], "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: a.refreshToken }),
    };
    try {
      const res = await call(r, undefined);
      if (capture(r, res)) return auth(req.base);
      if (res.status === 401) save("auth:" + req.base, null); // the pair is dead: forget it
    } catch {}
    return null;
  })().finally(() => delete refreshing[req.base]));
}

/** The request as sent, for the panel and the history: secrets shortened (the public sandbox key stays). */
/** @param {Meta} meta @param {Req} req @param {string | undefined} token @returns {Sent} */
const sent = (meta, req, token) => ({
  method: req.method,
  url: req.url,
  headers: Object.entries(token ? { ...req.headers, Authorization: "Bearer " + token } : req.headers).map(([k, v]) => [
    k,
    k === "Authorization" ? v.slice(0, 13) + "…" : k === meta.keyHeader && v !== meta.sandboxKey ? v.slice(0, 8) + "…" : v,
  ]),
  body: req.body,
});

/** @param {Con} c */
async function send(c) {
  const { meta, form } = c;
  const { t } = meta;
  /** @type {Req} */
  let req;
  try {
    req = build(c);
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return paintMessage(c, e.message);
  }
  // busy, not disabled: disabling the focused button would throw a keyboard user's focus away
  if (c.busy) return;
  c.busy = true;
  c.out.setAttribute("aria-busy", "true");
  c.out.replaceChildren(el("span", "bkc-line", t.sending));
  const a = meta.bearer ? auth(req.base) : null;
  /** @type {Entry} */
  const entry = { op: meta.op, method: req.method, path: req.path, fields: snapshot(form), at: Date.now(), notes: [] };
  entry.sent = sent(meta, req, a?.accessToken);
  try {
    if (meta.bearer && !a) entry.notes.push(t.noToken);
    let res = await call(req, a?.accessToken);
    if (a && res.status === 401 && errorCode(res) === "auth/token-expired") {
      const fresh = await refresh(meta, req, a);
      if (fresh) {
        res = await call(req, fresh.accessToken);
        entry.sent = sent(meta, req, fresh.accessToken);
        entry.notes.push(t.refreshed);
      } else entry.notes.push(t.refreshFailed);
    }
    if (capture(req, res)) entry.notes.push(t.captured);
    entry.res = res;
  } catch (e) {
    entry.fail = await netLines(meta, req, /** @type {Error} */ (e));
  } finally {
    paintEntry(c, entry);
    save("history", [entry, ...(load("history") || [])].slice(0, 20));
    // the address this reader just used: the outbox helper looks its mail up by it
    const email = field(form, "b:email") || field(form, "p:query:email");
    if (email?.value) save("email", email.value.trim());
    c.busy = false;
    c.out.removeAttribute("aria-busy");
    broadcast();
  }
}

/* ---------------------------------------------------------------- showing results */

/** Where the docs explain an error code: the error-codes page of this language, anchor = code. */
/** @param {string} code */
const errorDocUrl = (code) => {
  const home = /** @type {HTMLAnchorElement | null} */ (document.querySelector("a[data-md-component=logo]"));
  return new URL("reference/error-codes/#" + code.replace(/\//g, "-"), home?.href || location.href).href;
};

/** @param {Con} c @param {string} text */
function paintMessage(c, text) {
  c.out.replaceChildren(el("span", "bkc-line bkc-bad", text));
}

/** @param {number} n */
const bytes = (n) => (n < 1024 ? n + " B" : (n / 1024).toFixed(1) + " KB");

const JSON_TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** JSON text with keys, strings and literals in spans: text nodes only, never HTML. */
/** @param {HTMLElement} box @param {string} text */
function highlight(box, text) {
  let at = 0;
  for (const m of text.matchAll(JSON_TOKEN)) {
    box.append(text.slice(at, m.index), el("span", m[2] ? "bkc-k" : m[1] ? "bkc-s" : "bkc-n", m[1] || m[0]), m[2] || "");
    at = /** @type {number} */ (m.index) + m[0].length;
  }
  box.append(text.slice(at));
}

/** @param {Con} c @param {Entry} entry */
function paintEntry(c, { sent: s, res, fail, notes }) {
  const { t } = c.meta;
  const parts = [];
  if (fail) parts.push(...fail.map((l, i) => el("span", i ? "bkc-line" : "bkc-line bkc-bad", l)));
  else if (res) {
    const ok = res.status >= 200 && res.status < 300;
    const status = res.redirect ? "3xx" : (res.status + " " + res.statusText).trim();
    const badge = el("span", "bkc-line bkc-status " + (ok ? "bkc-ok" : "bkc-bad"), fmt(t.status, { status, ms: res.ms, size: bytes(res.size) }));
    parts.push(badge);
    for (const n of res.redirect ? [...notes, t.redirect] : notes) parts.push(el("span", "bkc-line", n));
    const code = errorCode(res);
    if (typeof code === "string" && /^[a-z-]+\/[a-z0-9-]+$/.test(code)) {
      const a = /** @type {HTMLAnchorElement} */ (el("a", "bkc-line", fmt(t.errorDoc, { code })));
      a.href = errorDocUrl(code);
      parts.push(a);
    }
  }
  if (s) {
    const lines = [s.method + " " + s.url, ...s.headers.map((h) => h.join(": "))];
    parts.push(el("span", "bkc-h", t.sent), el("span", "bkc-pre bkc-sent", lines.join("\n") + (s.body ? "\n\n" + s.body : "")));
  }
  if (res) {
    parts.push(el("span", "bkc-h", t.headers), el("span", "bkc-pre", res.headers));
    if (s && new URL(s.url).origin !== location.origin) parts.push(el("span", "bkc-line bkc-note", t.corsHeaders));
    const text = res.json === undefined ? res.text : JSON.stringify(res.json, null, 2);
    const copy = /** @type {HTMLButtonElement} */ (el("button", "", t.copyBody));
    copy.type = "button";
    copy.onclick = () => navigator.clipboard.writeText(text).then(() => (copy.textContent = t.copiedBody), () => {});
    const body = el("span", "bkc-pre bkc-body");
    if (!text) body.textContent = t.emptyBody;
    else if (res.json === undefined) body.textContent = text;
    else highlight(body, text);
    parts.push(el("span", "bkc-h", t.body), ...(text ? [copy] : []), body);
  }
  c.out.replaceChildren(...parts);
}

/** Why a fetch failed: a no-cors probe gets an (opaque) answer when something listens, so "not
 * running" and "refused by CORS" can be told apart, each with its exact fix. */
/** @param {Meta} meta @param {Req} req @param {Error} e @returns {Promise<string[]>} */
async function netLines({ t }, req, e) {
  const lines = [fmt(t.netError, { detail: e.message || t.networkFailure })];
  const local = isLoopback(req.base);
  if (location.protocol === "https:" && req.base.startsWith("http:") && !local) return [...lines, t.netMixed];
  let up = true;
  await fetch(req.base + "/", { mode: "no-cors", cache: "no-store", credentials: "omit" }).catch(() => (up = false));
  const v = { base: req.base, origin: location.origin, port: new URL(req.base).port || "80" };
  lines.push(fmt(up ? (local ? t.netCorsSandbox : t.netCors) : local ? t.netDown : t.netUnreachable, v));
  return lines;
}

/** @param {Con} c */
function paintHistory(c) {
  const list = /** @type {HTMLElement} */ (c.form.querySelector(".bkc-hist ol"));
  /** @type {Entry[]} */
  const mine = (load("history") || []).filter((/** @type {Entry} */ e) => e.op === c.meta.op);
  if (list.dataset.n === String(mine.length) + (mine[0]?.at || "")) return;
  list.dataset.n = String(mine.length) + (mine[0]?.at || "");
  list.replaceChildren(
    ...mine.map((e) => {
      const b = el("button", "", fmt(c.meta.t.historyItem, {
        method: e.method,
        path: e.path,
        what: what(e.sent?.body),
        status: e.res ? e.res.status : c.meta.t.networkFailure,
        time: new Date(e.at).toLocaleTimeString(),
      }));
      b.setAttribute("type", "button");
      b.addEventListener("click", () => reopen(c, e));
      const li = el("li");
      li.append(b);
      return li;
    }),
  );
  list.hidden = !mine.length;
  /** @type {HTMLElement} */ (list.nextElementSibling).hidden = !!mine.length;
}

/** What a history entry sent, in a few words: the body's plain values, never its secrets. */
/** @param {string | undefined} body */
const what = (body) => {
  try {
    const o = JSON.parse(body || "{}");
    return Object.entries(o)
      .filter(([k, v]) => typeof v !== "object" && !/pass|token|secret|code/i.test(k))
      .map(([k, v]) => k + "=" + v)
      .join(" ")
      .slice(0, 60);
  } catch {
    return "";
  }
};

/** @param {Con} c @param {Entry} e */
function reopen(c, e) {
  for (const [name, value] of Object.entries(e.fields)) {
    const f = field(c.form, name);
    if (f) f.value = value;
  }
  fieldsFromBody(c);
  paintEntry(c, e);
  c.out.scrollIntoView({ block: "nearest" });
}

/* ---------------------------------------------------------------- body fields <-> raw JSON */

/** @param {HTMLFormElement} form @returns {HTMLInputElement[]} */
const bodyFields = (form) => /** @type {any[]} */ ([...form.elements]).filter((e) => e.name.startsWith("b:"));

/** The body alternative (`oneOf`) a body is: its pinned values match and it has every field sent,
 * else the first whose pinned values match (the rule of macros/console.py `active_variant`). */
/** @param {Meta} meta @param {any} obj @returns {Variant | undefined} */
const variant = (meta, obj) => {
  const pinned = (meta.v || []).filter((v) => Object.entries(v.pin).every(([k, x]) => obj?.[k] === x));
  return pinned.find((v) => Object.keys(obj || {}).every((k) => v.f.includes(k))) || pinned[0];
};

/** Show only the fields of the body's alternative, with its required marks. */
/** @param {Con} c @param {any} obj */
function showVariant(c, obj) {
  if (!c.meta.v) return;
  const v = variant(c.meta, obj);
  for (const input of bodyFields(c.form)) {
    const name = input.name.slice(2);
    const box = /** @type {HTMLElement} */ (input.closest(".bkc-f"));
    box.hidden = !!v && !v.f.includes(name);
    const mark = /** @type {HTMLElement | null} */ (box.querySelector(".bkc-req"));
    if (mark) mark.hidden = !!v && !v.r.includes(name);
  }
}

/** @param {Con} c @param {HTMLInputElement} input */
function bodyFromField(c, input) {
  const raw = field(c.form, "body");
  let obj;
  try {
    obj = JSON.parse(raw.value || "{}");
  } catch {
    return; // leave a half-typed JSON alone
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return;
  const key = input.name.slice(2);
  const v = input.value;
  const type = input.dataset.type;
  if (v === "") delete obj[key];
  else if (type === "boolean") obj[key] = v === "true";
  else if ((type === "integer" || type === "number") && v.trim() !== "" && !isNaN(Number(v))) obj[key] = Number(v);
  else obj[key] = v;
  // a new discriminator value: drop the fields the chosen alternative does not have
  const alt = c.meta.v?.some((x) => key in x.pin) && variant(c.meta, obj);
  if (alt) for (const k of Object.keys(obj)) if (!alt.f.includes(k)) delete obj[k];
  raw.value = JSON.stringify(obj, null, 2);
  if (alt) fieldsFromBody(c);
  else showVariant(c, obj);
}

/** @param {Con} c */
function fieldsFromBody(c) {
  let obj;
  try {
    obj = JSON.parse(field(c.form, "body")?.value || "{}");
  } catch {
    return;
  }
  for (const input of bodyFields(c.form)) {
    const v = obj?.[input.name.slice(2)];
    input.value = v == null || typeof v === "object" ? "" : String(v);
  }
  showVariant(c, obj);
}

/* ---------------------------------------------------------------- code samples that follow */

/** @param {string} s */
const shellDq = (s) => s.replace(/["\\$`]/g, "\\$&");
/** @param {string} s */
const jsonIn = (s) => JSON.stringify(s).slice(1, -1);

/**
 * A JSON value as the tool writes it (one key per line, like macros/samples.py); the `secret`
 * string (the stored refresh token) becomes the variable that holds it.
 * @param {string} tool @param {any} v @param {string} secret @param {string} pad @returns {string}
 */
function literal(tool, v, secret, pad) {
  const py = tool === "python";
  if (tool === "curl") return JSON.stringify(v, null, 2).replace(/\n/g, "\n" + pad);
  if (v && typeof v === "object") {
    const inner = pad + (py ? "    " : "  ");
    const list = Array.isArray(v);
    const items = Object.entries(v).map(
      ([k, x]) =>
        inner + (list ? "" : (py || !/^[A-Za-z_$][\w$]*$/.test(k) ? JSON.stringify(k) : k) + ": ") + literal(tool, x, secret, inner) + ",",
    );
    const [open, close] = list ? "[]" : "{}";
    return items.length ? open + "\n" + items.join("\n") + "\n" + pad + close : open + close;
  }
  if (secret && v === secret) return py ? 'os.environ["REFRESH_TOKEN"]' : "REFRESH_TOKEN";
  if (py && (v == null || typeof v === "boolean")) return v == null ? "None" : v ? "True" : "False";
  return JSON.stringify(v);
}

/**
 * The macro's own sample templates (macros/samples.py `console_templates`) filled with what this
 * console would send now: server, path and query, body and key. The public sandbox key is written
 * out; any other key and the tokens stay variables.
 * @param {Con} c @param {string} tool @returns {string}
 */
function sample(c, tool) {
  const { meta } = c;
  const req = build(c);
  const key = req.headers[meta.keyHeader] || "";
  const esc = tool === "curl" ? shellDq : jsonIn;
  const secret = auth(req.base)?.refreshToken || "";
  let text = meta.s[tool]
    .replace(/%%B%%/g, esc(req.base))
    .replace(/%%P%%/g, esc(req.path))
    .replace(/"%%K%%"|%%K%%/g, (m) =>
      key !== meta.sandboxKey ? meta.sk[tool] || m : m[0] === '"' ? JSON.stringify(key) : shellDq(key),
    )
    .replace(/^(\s*)(.*)"%%D%%"/m, (_, pad, head) => {
      const body = literal(tool, JSON.parse(req.body || "{}"), secret, pad);
      // the curl body sits in single quotes: the refresh token leaves them for a shell variable
      const quoted = body.replace(/'/g, "'\\''").split(JSON.stringify(secret || "\0")).join(`"'"$REFRESH_TOKEN"'"`);
      return pad + head + (tool === "curl" ? quoted : body);
    });
  return text.replace("%%I%%", key === meta.sandboxKey ? "" : meta.sk.import);
}

/** Redo the page's sample tabs of this operation (found at mount) from the console's inputs. */
/** @param {Con} c */
function samples(c) {
  const tools = Object.keys(c.meta.s);
  c.tabs?.querySelectorAll(".tabbed-block code").forEach((code, i) => {
    try {
      const text = sample(c, tools[i]);
      if (code.textContent === text) return;
      code.textContent = text;
      /** @type {HTMLElement} */ (code).tabIndex = 0; // it may scroll now: keyboard users must reach it

    } catch {} // a half-typed body or URL: the last good sample stays
  });
}

/** The nearest sample tabs before the form, if their cURL tab starts like this operation's template. */
/** @param {Con} c @returns {HTMLElement | null} */
function findTabs(c) {
  const first = c.meta.s.curl.split("\n")[0];
  const before = [...document.querySelectorAll(".tabbed-set")].filter(
    (s) => s.compareDocumentPosition(c.form) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  const set = /** @type {HTMLElement | undefined} */ (before.pop());
  return set?.querySelector(".tabbed-block code")?.textContent?.split("\n")[0] === first ? set : null;
}

/** @param {Con} c */
async function copyCurl(c) {
  const { t } = c.meta;
  const box = field(c.form, "curl");
  /** @type {string} */
  let text;
  try {
    text = sample(c, "curl");
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return paintMessage(c, e.message);
  }
  box.value = text;
  box.closest("label").hidden = false;
  const note = /** @type {HTMLElement} */ (c.form.querySelector(".bkc-copied"));
  const vars = [...new Set(text.match(/\$[A-Z_]+/g))].map((v) => v.slice(1)).join(", ");
  try {
    await navigator.clipboard.writeText(text);
    note.textContent = vars ? fmt(t.copiedVars, { vars }) : t.copied;
  } catch {
    note.textContent = t.copyFailed;
    box.focus();
    box.select();
  }
}

/* ---------------------------------------------------------------- sandbox helpers */

/** Show the newest outbox message for this form's address and put its token in every token field. */
/** @param {Con} c */
async function outbox(c) {
  const { meta } = c;
  const { t } = meta;
  const base = baseUrl(meta);
  const path = meta.outbox || "";
  /** @type {Req} */
  const req = { method: "GET", url: base + path, path, base, headers: { [meta.keyHeader]: apiKey(meta, base) } };
  let res;
  try {
    res = await call(req, undefined);
  } catch (e) {
    return paintEntry(c, { op: meta.op, method: "GET", path, fields: {}, at: 0, notes: [], fail: await netLines(meta, req, /** @type {Error} */ (e)) });
  }
  const list = res.json?.items || (Array.isArray(res.json) ? res.json : null);
  // an address the reader typed here wins; an untouched example gives way to the one just used
  const input = field(c.form, "b:email") || field(c.form, "p:query:email");
  if (input && input.value === input.defaultValue && load("email")) {
    input.value = load("email");
    if (input.name.startsWith("b:")) bodyFromField(c, input);
  }
  const email = input?.value.trim().toLowerCase();
  const latest = list && (email ? list.find((/** @type {any} */ m) => String(m.to).toLowerCase() === email) : list[0]);
  let filled = 0;
  if (latest?.token)
    for (const other of consoles) {
      const f = field(other.form, "b:token") || field(other.form, "p:query:token");
      if (!f || !other.form.isConnected) continue;
      f.value = latest.token;
      if (f.name.startsWith("b:")) bodyFromField(other, f);
      filled++;
    }
  const note = !list ? [] : !latest ? [t.outboxEmpty] : [fmt(filled ? t.outboxFilled : t.outboxLatest, { to: latest.to })];
  const shown = latest ? { ...res, json: latest } : res; // just the message, not everyone's mail
  paintEntry(c, { op: meta.op, method: "GET", path, fields: {}, at: 0, res: shown, notes: note });
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a Base32 secret. */
/** @param {string} secret @returns {Promise<[string, number]>} */
async function totp(secret) {
  let bits = "";
  for (const ch of secret.toUpperCase().replace(/[\s=-]/g, "")) {
    const v = B32.indexOf(ch);
    if (v < 0) throw new Problem("base32");
    bits += v.toString(2).padStart(5, "0");
  }
  const bytes = new Uint8Array(Math.floor(bits.length / 8)).map((_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
  if (!bytes.length) throw new Problem("base32");
  const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const now = Date.now() / 1000;
  const counter = new DataView(new ArrayBuffer(8));
  counter.setUint32(4, Math.floor(now / 30));
  const h = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter.buffer));
  const o = h[19] & 15;
  const n = (((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1e6;
  return [String(n).padStart(6, "0"), 30 - Math.floor(now % 30)];
}

/** @param {Con} c */
async function fillTotp(c) {
  const { form, meta } = c;
  const secret = field(form, "totp").value.trim();
  const target = field(form, "b:mfaCode") || field(form, "b:code");
  try {
    const [code, s] = await totp(secret);
    save("totp:" + baseUrl(meta), secret);
    if (target) {
      target.value = code;
      bodyFromField(c, target);
    }
    paintMessage(c, fmt(meta.t.totpFilled, { code, s }));
    c.out.firstElementChild?.classList.remove("bkc-bad");
  } catch {
    paintMessage(c, meta.t.totpNoSecret);
  }
}

/* ---------------------------------------------------------------- mounting */

/**
 * Wire one console form. Idempotent: a form is mounted once, however often Material re-emits.
 * @param {HTMLFormElement} form
 */
export function mount(form) {
  if (form.dataset.mounted != null || !form.dataset.meta) return;
  form.dataset.mounted = "";
  const meta = /** @type {Meta} */ (JSON.parse(form.dataset.meta));
  /** @type {Con} */
  const c = {
    form,
    meta,
    out: /** @type {HTMLOutputElement} */ (form.querySelector("output")),
    panel: /** @type {HTMLElement} */ (form.querySelector(".bkc-auth")),
  };
  c.tabs = findTabs(c);
  consoles.add(c);

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    send(c);
  });
  form.addEventListener("keydown", (e) => {
    // Ctrl/Cmd+Enter sends from the multi-line body editor too
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("input", (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const name = input.name;
    delete input.dataset.auto; // the reader's own value from now on
    if (name === "server" || name === "custom") {
      save("server", { choice: field(form, "server").value, custom: field(form, "custom").value.trim() });
      // an answer from the previous server no longer applies
      for (const o of consoles) o.out.replaceChildren(el("span", "bkc-line", o.meta.t.idle));
      broadcast();
    } else if (name === "apiKey") {
      save("key:" + baseUrl(meta), input.value.trim());
      broadcast();
    } else if (name.startsWith("b:")) bodyFromField(c, input);
    else if (name === "body") fieldsFromBody(c);
    else if (name === "example") {
      field(form, "body").value = JSON.stringify(meta.examples?.[input.value], null, 2);
      fieldsFromBody(c);
    }
    samples(c);
  });
  form.addEventListener("click", (e) => {
    const act = /** @type {HTMLElement} */ (e.target).closest("[data-act]")?.getAttribute("data-act");
    if (act === "forget") {
      save("auth:" + baseUrl(meta), null);
      broadcast();
      field(form, "apiKey").focus();
    } else if (act === "curl") copyCurl(c);
    else if (act === "outbox") outbox(c);
    else if (act === "totp") fillTotp(c);
  });

  sync(c);
  ticker ||= window.setInterval(tick, 1000);
}
