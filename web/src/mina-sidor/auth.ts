// Sign-in, in one place. Locally: one of `telefonist serve`'s development identities, picked on
// the page. In AWS: Cognito's managed login, authorization code with PKCE (S256). Tokens live
// in memory only (a reload signs in again, silently while the managed login's session lasts);
// only the PKCE verifier and state wait in sessionStorage across the redirect, and are removed
// as soon as the code is exchanged.
import { signal } from "@preact/signals";
import type { CognitoSettings, LocalIdentity } from "./config";
import { type Role, roleOfGroups } from "./roles";

export interface Session {
  role: Role;
  /** The Authorization header value sent to the API. */
  authorization: string;
  /** The customer the person belongs to (finance carries none). */
  tenantId: string | null;
  /** Who signed in, as the audit trail names them. */
  subject: string;
}

/** The signed-in person, or null. Never written to storage. */
export const session = signal<Session | null>(null);

const PENDING_KEY = "mina-sidor.pkce";

export function signInLocally(identity: LocalIdentity, tenantId: string | null): Session {
  // A development token reads `local:<tenant or ->:<groups>[:<subject>]`.
  const parts = identity.authorization.replace(/^Bearer\s+/, "").split(":");
  const tenant = parts[1] && parts[1] !== "-" ? parts[1] : null;
  const signedIn: Session = {
    role: identity.role,
    authorization: identity.authorization,
    tenantId: identity.role === "finance" ? tenantId : tenant,
    subject: parts[3] ?? identity.role,
  };
  session.value = signedIn;
  return signedIn;
}

function base64Url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(size = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(size)));
}

export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Where the browser goes to sign in; the verifier and state wait for the way back. */
export async function authorizeUrl(settings: CognitoSettings, storage: Storage = sessionStorage): Promise<string> {
  const verifier = randomText(48);
  const state = randomText(16);
  storage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scopes.join(" "),
    state,
    code_challenge_method: "S256",
    code_challenge: await codeChallenge(verifier),
  });
  return `${settings.domain}/oauth2/authorize?${query}`;
}

/** The claims of a JWT's payload (not verified here: the API's authorizer verifies the token). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const padded = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function sessionOfIdToken(idToken: string): Session {
  const claims = claimsOf(idToken);
  const groups = Array.isArray(claims["cognito:groups"]) ? (claims["cognito:groups"] as string[]) : [];
  const tenant = claims["custom:tenant_id"];
  return {
    role: roleOfGroups(groups),
    // API Gateway's Cognito authorizer (no OAuth scopes on the methods) takes the ID token.
    authorization: idToken,
    tenantId: typeof tenant === "string" ? tenant : null,
    subject: typeof claims.email === "string" ? claims.email : String(claims.sub ?? ""),
  };
}

/**
 * Back from the managed login with `?code=…&state=…`: exchange the code for tokens and sign in.
 * Null when the URL carries no code. The code leaves the address bar either way.
 */
export async function completeSignIn(
  settings: CognitoSettings,
  location: URL,
  fetchImpl: typeof fetch = fetch,
  storage: Storage = sessionStorage,
): Promise<Session | null> {
  const code = location.searchParams.get("code");
  if (!code) return null;
  const pending = JSON.parse(storage.getItem(PENDING_KEY) ?? "null") as { verifier: string; state: string } | null;
  storage.removeItem(PENDING_KEY);
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  if (!pending || pending.state !== location.searchParams.get("state")) throw new Error("sign-in: state mismatch");
  const response = await fetchImpl(`${settings.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: settings.clientId,
      code,
      redirect_uri: settings.redirectUri,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`sign-in: token endpoint ${response.status}`);
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error("sign-in: no id_token");
  const signedIn = sessionOfIdToken(tokens.id_token);
  session.value = signedIn;
  return signedIn;
}

/** Forget the tokens; with Cognito, end the managed login's session too. */
export function signOut(settings: CognitoSettings | null): void {
  session.value = null;
  if (settings) {
    const query = new URLSearchParams({ client_id: settings.clientId, logout_uri: settings.logoutUri });
    window.location.assign(`${settings.domain}/logout?${query}`);
  }
}
