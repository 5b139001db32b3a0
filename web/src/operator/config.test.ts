import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("the page's settings", () => {
  it("reads the local host's config.json", () => {
    const config = parseConfig({
      host: "local",
      api_url: "",
      authorization: "Bearer local:-:operators",
      calls_url: "/local/calls",
      numbers: ["+46852000001", 7],
    });
    expect(config).toEqual({
      host: "local",
      apiUrl: "",
      authorization: "Bearer local:-:operators",
      cognito: null,
      callsUrl: "/local/calls",
      numbers: ["+46852000001"],
      quickConnectName: "Koppla vidare",
    });
  });

  it("reads the deployment's config.json: the API and the managed login to sign in with", () => {
    const config = parseConfig({
      host: "connect",
      api_url: "https://api.example.com/v1/",
      cognito: {
        domain: "https://telefonist-1.auth.eu-central-1.amazoncognito.com/",
        client_id: "operator-client",
        redirect_uri: "https://site.example.com/operator/",
        logout_uri: "https://site.example.com/operator/",
        scopes: ["openid", "email", "profile"],
      },
    });
    expect(config).toMatchObject({ host: "connect", apiUrl: "https://api.example.com/v1/", authorization: null });
    expect(config.cognito).toEqual({
      domain: "https://telefonist-1.auth.eu-central-1.amazoncognito.com",
      clientId: "operator-client",
      redirectUri: "https://site.example.com/operator/",
      logoutUri: "https://site.example.com/operator/",
      scopes: ["openid", "email", "profile"],
    });
    expect(() => parseConfig({ host: "connect", api_url: "x" })).toThrow("cognito needs");
  });

  it("refuses an unknown host", () => {
    expect(() => parseConfig({ host: "streams" })).toThrow("host must be local or connect");
    expect(() => parseConfig(null)).toThrow("not an object");
  });
});
