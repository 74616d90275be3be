// bkend.js — a small fetch wrapper for bkend's Auth & User API.
// Works as an ES module in browsers and in Node 20+ (both have a global fetch).
//
//   import { configureBkend, bkendFetch } from './bkend.js';
//   configureBkend({ apiKey: 'pk_...' }); // in Node, BKEND_API_KEY / BKEND_BASE_URL work too
//   const me = await bkendFetch('/v1/auth/me');
//
// Every request gets the X-API-Key header and, when a token pair is stored, an
// Authorization: Bearer header. A 401 with the code auth/token-expired triggers one
// POST /v1/auth/refresh and one retry; calls that fail at the same time share a single refresh.

export const DEFAULT_BASE_URL = 'https://api-client.bkend.ai';
const REFRESH_PATH = '/v1/auth/refresh';
// After these calls succeed the session is gone, so the stored pair is dropped too.
const SESSION_ENDING_PATHS = ['/v1/auth/signout', '/v1/auth/withdraw'];

// ---------------------------------------------------------------------------
// Token storage adapters: { get(): pair | null, set(pair), clear() }
// ---------------------------------------------------------------------------

/** Keeps the pair in a variable: gone on reload, unreachable from other tabs. */
export function memoryTokenStorage() {
  let pair = null;
  return {
    get: () => pair,
    set: (next) => { pair = next; },
    clear: () => { pair = null; },
  };
}

/** Keeps the pair in sessionStorage: survives reloads of this tab, not closing it. */
export function sessionTokenStorage(key = 'bkend.tokens') {
  return {
    get() {
      const raw = globalThis.sessionStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    },
    set(next) { globalThis.sessionStorage.setItem(key, JSON.stringify(next)); },
    clear() { globalThis.sessionStorage.removeItem(key); },
  };
}

function defaultTokenStorage() {
  return typeof globalThis.sessionStorage === 'undefined' ? memoryTokenStorage() : sessionTokenStorage();
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** A non-2xx answer: `status` is the HTTP status, `code` the API error code (e.g. auth/invalid-credentials). */
export class BkendError extends Error {
  constructor(status, code, message, body) {
    super(`${code}: ${message}`);
    this.name = 'BkendError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get('content-type') || '';
  return type.includes('json') ? JSON.parse(text) : text;
}

function toError(response, body) {
  const error = body && typeof body === 'object' ? body.error : undefined;
  const code = error?.code ?? `http/${response.status}`;
  const message = error?.message ?? (response.statusText || 'Request failed');
  return new BkendError(response.status, code, message, body);
}

function isTokenPair(body) {
  return Boolean(body && typeof body === 'object'
    && typeof body.accessToken === 'string' && typeof body.refreshToken === 'string');
}

// ---------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------

/**
 * Create a client with its own settings and token storage.
 * @param {{ baseUrl?: string, apiKey?: string, storage?: object, fetch?: typeof fetch }} options
 */
export function createBkendClient(options = {}) {
  // Node: the environment variables the other samples use give the defaults.
  const env = globalThis.process?.env ?? {};
  const settings = {
    baseUrl: env.BKEND_BASE_URL || DEFAULT_BASE_URL, apiKey: env.BKEND_API_KEY || '', storage: null, fetch: null,
  };
  let refreshing = null; // the one refresh in flight, shared by every caller that needs it

  function configure(next = {}) {
    for (const name of ['baseUrl', 'apiKey', 'storage', 'fetch']) {
      if (next[name] !== undefined) settings[name] = next[name];
    }
    settings.baseUrl = settings.baseUrl.replace(/\/+$/, '');
  }
  configure(options);

  const storage = () => (settings.storage ??= defaultTokenStorage());
  const getTokens = () => storage().get();
  const setTokens = (pair) => storage().set({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  const clearTokens = () => storage().clear();

  async function send(path, { method = 'GET', body, headers = {}, signal }, accessToken) {
    const init = { method, signal, headers: { Accept: 'application/json', 'X-API-Key': settings.apiKey, ...headers } };
    if (accessToken) init.headers.Authorization = `Bearer ${accessToken}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const doFetch = settings.fetch ?? globalThis.fetch;
    const response = await doFetch(`${settings.baseUrl}${path}`, init);
    return { response, data: await readBody(response) };
  }

  async function refresh() {
    const refreshToken = getTokens()?.refreshToken;
    if (!refreshToken) throw new BkendError(401, 'auth/invalid-refresh-token', 'No refresh token stored', null);
    const { response, data } = await send(REFRESH_PATH, { method: 'POST', body: { refreshToken } });
    if (!response.ok) {
      clearTokens(); // the session cannot be recovered: sign in again
      throw toError(response, data);
    }
    setTokens(data);
    return data.accessToken;
  }

  function refreshOnce() {
    refreshing ??= refresh().finally(() => { refreshing = null; });
    return refreshing;
  }

  /**
   * Call the API. `body` may be an object (sent as JSON) or a string.
   * Resolves with the parsed JSON body (null when empty); rejects with a BkendError.
   * @param {string} path e.g. '/v1/auth/me' (a query string may be included)
   * @param {{ method?: string, body?: unknown, headers?: Record<string,string>, signal?: AbortSignal }} [init]
   */
  async function bkendFetch(path, init = {}) {
    const sentToken = getTokens()?.accessToken;
    let { response, data } = await send(path, init, sentToken);

    if (response.status === 401 && data?.error?.code === 'auth/token-expired' && sentToken) {
      // Another call may already have refreshed the pair; only refresh if ours is still current.
      const current = getTokens()?.accessToken;
      const accessToken = current && current !== sentToken ? current : await refreshOnce();
      ({ response, data } = await send(path, init, accessToken));
    }

    if (!response.ok) throw toError(response, data);
    if (isTokenPair(data)) setTokens(data); // sign-up, sign-in, refresh, OAuth, organization switch
    if (SESSION_ENDING_PATHS.includes(path.split('?')[0])) clearTokens();
    return data;
  }

  return { bkendFetch, configure, getTokens, setTokens, clearTokens };
}

// ---------------------------------------------------------------------------
// The default client, for apps that talk to one project
// ---------------------------------------------------------------------------

const defaultClient = createBkendClient();

/** Set the base URL, publishable key, token storage or fetch of the default client. */
export const configureBkend = (options) => defaultClient.configure(options);
export const bkendFetch = (path, init) => defaultClient.bkendFetch(path, init);
export const getTokens = () => defaultClient.getTokens();
export const setTokens = (pair) => defaultClient.setTokens(pair);
export const clearTokens = () => defaultClient.clearTokens();
