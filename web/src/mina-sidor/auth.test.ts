import { describe, expect, it } from "vitest";
import { jwt } from "../auth/testing";
import { authorizeUrl, codeChallenge, completeSignIn, session, sessionOfIdToken, signInLocally } from "./auth";
import type { CognitoSettings } from "./config";
import { parseSiteConfig } from "./config";
import { canEdit, pagesFor, roleOfGroups } from "./roles";

const settings: CognitoSettings = {
  domain: "https://acme.auth.eu-central-1.amazoncognito.com",
  clientId: "client-1",
  redirectUri: "https://example.se/mina-sidor/",
  logoutUri: "https://example.se/mina-sidor/",
  scopes: ["openid", "email"],
};

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}


describe("Mina sidor signs in by redirect (code + PKCE)", () => {
  it("sends the browser to the managed login with the challenge, and exchanges the code with the verifier", async () => {
    const storage = new MemoryStorage();
    const url = new URL(await authorizeUrl(settings, storage));
    expect(url.origin + url.pathname).toBe(`${settings.domain}/oauth2/authorize`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    const pending = JSON.parse(storage.getItem("mina-sidor.pkce") ?? "{}") as { verifier: string; state: string };
    expect(url.searchParams.get("code_challenge")).toBe(await codeChallenge(pending.verifier));

    const sent: { url: string; body: URLSearchParams }[] = [];
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ url: String(input), body: init?.body as URLSearchParams });
      const idToken = jwt({ sub: "u1", email: "eva@acme.se", "cognito:groups": ["admins"], "custom:tenant_id": "acme" });
      return new Response(JSON.stringify({ id_token: idToken, access_token: "a" }), { status: 200 });
    }) as typeof fetch;
    globalThis.history ??= { replaceState: () => undefined } as unknown as History;
    const back = new URL(`${settings.redirectUri}?code=abc&state=${pending.state}`);
    const signedIn = await completeSignIn(settings, back, fetchImpl, storage);

    expect(sent[0]?.url).toBe(`${settings.domain}/oauth2/token`);
    expect(sent[0]?.body.get("code_verifier")).toBe(pending.verifier);
    expect(sent[0]?.body.get("grant_type")).toBe("authorization_code");
    expect(signedIn).toMatchObject({ role: "admin", tenantId: "acme", subject: "eva@acme.se" });
    expect(session.value).toEqual(signedIn);
    expect(storage.length).toBe(0); // the verifier does not outlive the exchange; tokens were never stored
  });

  it("refuses a code whose state is not the one sent", async () => {
    const storage = new MemoryStorage();
    await authorizeUrl(settings, storage);
    const back = new URL(`${settings.redirectUri}?code=abc&state=forged`);
    await expect(completeSignIn(settings, back, fetch, storage)).rejects.toThrow("state mismatch");
  });
});

describe("who sees what", () => {
  it("reads the role from a token's groups", () => {
    expect(sessionOfIdToken(jwt({ sub: "x", "cognito:groups": ["finance"] }))).toMatchObject({ role: "finance", tenantId: null });
    expect(roleOfGroups([])).toBe("reader");
  });

  it("shows finance the overview, billing and call log, a reader no import, billing or audit, and only admins edit", () => {
    expect(pagesFor("finance")).toEqual(["overview", "billing", "callLog"]);
    expect(pagesFor("reader")).toEqual(["overview", "numbers", "offices", "people", "messages"]);
    expect(pagesFor("admin")).toHaveLength(11);
    expect([canEdit("admin"), canEdit("reader"), canEdit("finance")]).toEqual([true, false, false]);
  });

  it("signs in locally with a development token and its tenant", () => {
    const config = parseSiteConfig({
      host: "local",
      tenant_id: "acme",
      identities: [
        { role: "admin", authorization: "Bearer local:acme:admins:acme-admin" },
        { role: "finance", authorization: "Bearer local:-:finance:finance-1" },
        { role: "operator", authorization: "Bearer local:-:operators" },
      ],
    });
    if (config.host !== "local") throw new Error("local expected");
    expect(config.identities.map((i) => i.role)).toEqual(["admin", "finance"]);
    expect(signInLocally(config.identities[0]!, config.tenantId)).toMatchObject({ tenantId: "acme", subject: "acme-admin" });
    expect(signInLocally(config.identities[1]!, config.tenantId)).toMatchObject({ role: "finance", tenantId: "acme" });
  });

  it("needs the managed login's domain, client and redirect in AWS", () => {
    expect(() => parseSiteConfig({ host: "cognito", cognito: { domain: "https://x" } })).toThrow("cognito needs");
    const config = parseSiteConfig({
      host: "cognito",
      cognito: { domain: "https://x/", client_id: "c", redirect_uri: "https://s/" },
    });
    expect(config.host === "cognito" && config.cognito.domain).toBe("https://x");
  });
});
