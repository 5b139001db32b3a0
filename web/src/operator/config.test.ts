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
      callsUrl: "/local/calls",
      numbers: ["+46852000001"],
      quickConnectName: "Koppla vidare",
    });
  });

  it("refuses an unknown host", () => {
    expect(() => parseConfig({ host: "streams" })).toThrow("host must be local or connect");
    expect(() => parseConfig(null)).toThrow("not an object");
  });
});
