import { describe, expect, it } from "vitest";
import {
  authorizeUrl,
  codeChallenge,
  exchangeCode,
  groupsOf,
  keepFresh,
  newPendingSignIn,
  parseCognitoSettings,
  type Timers,
  type Tokens,
} from "./cognito";
import { jwt, settings, tokenEndpoint } from "./testing";

describe("PKCE for a public client", () => {
  it("derives the S256 challenge of RFC 7636's example verifier", async () => {
    expect(await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("asks the managed login for a code with the challenge, never for tokens (no implicit grant)", async () => {
    const pending = newPendingSignIn();
    const url = new URL(await authorizeUrl(settings, pending));
    expect(url.origin + url.pathname).toBe(`${settings.domain}/oauth2/authorize`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("client_id")).toBe("client-1");
    expect(url.searchParams.get("redirect_uri")).toBe(settings.redirectUri);
    expect(url.searchParams.get("scope")).toBe("openid email profile");
    expect(url.searchParams.get("state")).toBe(pending.state);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toBe(await codeChallenge(pending.verifier));
    expect(pending.verifier.length).toBeGreaterThanOrEqual(43); // RFC 7636: 43 to 128 characters
    expect(newPendingSignIn().state).not.toBe(pending.state);
  });

  it("exchanges the code with the verifier, and keeps the ID token's expiry", async () => {
    const idToken = jwt({ sub: "u1", "cognito:groups": ["operators"] });
    const { sent, fetchImpl } = tokenEndpoint({ id_token: idToken, refresh_token: "r1", expires_in: 900 });
    const tokens = await exchangeCode(settings, "the-code", "the-verifier", fetchImpl, () => 1_000);
    expect(sent[0]?.url).toBe(`${settings.domain}/oauth2/token`);
    expect(Object.fromEntries(sent[0]?.body ?? [])).toEqual({
      client_id: "client-1",
      grant_type: "authorization_code",
      code: "the-code",
      redirect_uri: settings.redirectUri,
      code_verifier: "the-verifier",
    });
    expect(tokens).toEqual({ idToken, refreshToken: "r1", expiresAt: 1_000 + 900_000 });
    expect(groupsOf(tokens.idToken)).toEqual(["operators"]);
  });

  it("says so when the token endpoint refuses the code", async () => {
    const { fetchImpl } = tokenEndpoint({ error: "invalid_grant" }, 400);
    await expect(exchangeCode(settings, "c", "v", fetchImpl)).rejects.toThrow("token endpoint 400");
  });
});

describe("tokens stay fresh in memory", () => {
  const timers = () => {
    const pending: { handler: () => void; ms: number }[] = [];
    const fake: Timers = {
      setTimeout: (handler, ms) => pending.push({ handler, ms }),
      clearTimeout: () => undefined,
    };
    return { pending, fake };
  };

  it("renews a minute before expiry with the refresh token, again and again", async () => {
    const { pending, fake } = timers();
    const { sent, fetchImpl } = tokenEndpoint({ id_token: "id-2", expires_in: 900 });
    const seen: Tokens[] = [];
    const first: Tokens = { idToken: "id-1", refreshToken: "r1", expiresAt: 900_000 };
    keepFresh(settings, first, (next) => seen.push(next), () => undefined, { fetchImpl, now: () => 0, timers: fake });
    expect(pending[0]?.ms).toBe(840_000);
    pending[0]?.handler();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(Object.fromEntries(sent[0]?.body ?? [])).toEqual({
      client_id: "client-1",
      grant_type: "refresh_token",
      refresh_token: "r1",
    });
    expect(seen).toEqual([{ idToken: "id-2", refreshToken: "r1", expiresAt: 900_000 }]);
    expect(pending).toHaveLength(2); // the next renewal is scheduled
  });

  it("reports an expired sign-in when the refresh token no longer works, and stops when told", async () => {
    const { pending, fake } = timers();
    const { fetchImpl } = tokenEndpoint({ error: "invalid_grant" }, 400);
    const expired: unknown[] = [];
    const first: Tokens = { idToken: "id-1", refreshToken: "r1", expiresAt: 900_000 };
    keepFresh(settings, first, () => undefined, (error) => expired.push(error), { fetchImpl, now: () => 0, timers: fake });
    pending[0]?.handler();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(expired).toHaveLength(1);

    const { pending: none, fake: other } = timers();
    keepFresh(settings, { ...first, refreshToken: null }, () => undefined, () => undefined, { timers: other });
    expect(none).toHaveLength(0); // nothing to renew with
  });
});

describe("the deployment's settings", () => {
  it("needs the managed login's domain, client and redirect, and defaults the rest", () => {
    expect(() => parseCognitoSettings({ domain: "https://x" })).toThrow("cognito needs");
    expect(() => parseCognitoSettings(undefined)).toThrow("cognito needs");
    expect(parseCognitoSettings({ domain: "https://x/", client_id: "c", redirect_uri: "https://s/" })).toEqual({
      domain: "https://x",
      clientId: "c",
      redirectUri: "https://s/",
      logoutUri: "https://s/",
      scopes: ["openid", "email", "profile"],
    });
  });
});
