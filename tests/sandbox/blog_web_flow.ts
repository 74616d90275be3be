// Drives bkend's own example client (examples/blog-web/src: its API client, token storage, auth and
// user API modules, unchanged) against a sandbox. tests/sandbox/test_blog_web_client.py bundles this
// file with those modules (esbuild, `@/` = blog-web/src) and runs it in Node, one phase at a time:
//   node flow.mjs start         sign-up, sign-in, me, avatar upload URL + upload, profile update with image
//   node flow.mjs after-expiry  (the access token has expired meanwhile) me refreshes on 401,
//                               password change, sign-in with the new password, sign-out
// The browser's localStorage is kept in BLOG_STATE between phases; each phase prints one JSON object.
import { readFileSync, writeFileSync, existsSync } from "node:fs";

type Store = Record<string, string>;
const statePath = process.env.BLOG_STATE as string;
const store: Store = existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")) : {};
const g = globalThis as unknown as Record<string, unknown>;
g.window = { location: { href: "/" } };
g.localStorage = {
  getItem: (k: string) => (k in store ? store[k] : null),
  setItem: (k: string, v: string) => { store[k] = String(v); },
  removeItem: (k: string) => { delete store[k]; },
};

const { signUp, signIn, getMe } = await import("@/lib/api/auth");
const { updateProfile, changePassword, getAvatarUploadUrl } = await import("@/lib/api/users");
const { bkendFetch } = await import("@/infrastructure/api/client");
const { tokenStorage } = await import("@/infrastructure/storage/token-storage");

const email = process.env.BLOG_EMAIL as string;
const password = process.env.BLOG_PASSWORD as string;
const newPassword = process.env.BLOG_NEW_PASSWORD as string;

async function failure(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

const out: Record<string, unknown> = {};
if (process.argv[2] === "start") {
  const signedUp = await signUp({ email, password, name: "Blog Writer" });
  tokenStorage.setTokens(signedUp.accessToken, signedUp.refreshToken);
  out.signUpKeys = Object.keys(signedUp).sort();
  const signedIn = await signIn({ email, password });
  tokenStorage.setTokens(signedIn.accessToken, signedIn.refreshToken);
  const me = await getMe();
  out.me = me;
  const { url, key } = await getAvatarUploadUrl(me.id, "avatar.png");
  out.upload = { url, key };
  const put = await fetch(url, {
    method: "PUT",
    body: readFileSync(process.env.BLOG_IMAGE as string),
    headers: { "Content-Type": "image/png" },
  });
  out.putStatus = put.status;
  const image = url.split("?")[0];
  out.profile = await updateProfile(me.id, { name: "Blog Author", image });
  out.meAfter = await getMe();
  out.imageStatus = (await fetch(image)).status;
} else {
  const before = tokenStorage.getRefreshToken();
  out.me = await getMe(); // 401 auth/token-expired -> the client refreshes once and retries
  out.rotated = tokenStorage.getRefreshToken() !== before && tokenStorage.getRefreshToken() !== null;
  await changePassword({ currentPassword: password, newPassword });
  out.afterChange = await failure(getMe); // every session ended: the refresh fails too
  out.tokensCleared = !tokenStorage.hasTokens();
  out.oldPassword = await failure(() => signIn({ email, password }));
  const again = await signIn({ email, password: newPassword });
  tokenStorage.setTokens(again.accessToken, again.refreshToken);
  out.meAgain = await getMe();
  out.signOut = await bkendFetch("/v1/auth/signout", { method: "POST" });
  out.afterSignOut = await failure(getMe);
}
writeFileSync(statePath, JSON.stringify(store));
console.log(JSON.stringify(out));
