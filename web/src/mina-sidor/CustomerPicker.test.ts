import { describe, expect, it } from "vitest";
import { session } from "./auth";
import { chosenCustomer, type CustomerChoice, financeCustomer, matches } from "./CustomerPicker";

const kvarnen: CustomerChoice = { tenant_id: "kvarnen", name: "Kvarnen Bageri AB", numbers: [] };

describe("finance's choice of customer", () => {
  it("matches part of the name or the id, in any case, and everything on an empty filter", () => {
    expect(matches(kvarnen, "bageri")).toBe(true);
    expect(matches(kvarnen, " KVARN ")).toBe(true);
    expect(matches(kvarnen, "kvarnen")).toBe(true);
    expect(matches(kvarnen, "acme")).toBe(false);
    expect(matches(kvarnen, "")).toBe(true);
  });

  it("prefers the choice to the session's customer and forgets it at sign-out", () => {
    session.value = { role: "finance", authorization: "Bearer x", tenantId: "acme", subject: "f" };
    expect(financeCustomer("acme")).toBe("acme");
    chosenCustomer.value = "kvarnen";
    expect(financeCustomer("acme")).toBe("kvarnen");
    session.value = null;
    expect(financeCustomer("acme")).toBe("acme");
    expect(financeCustomer(null)).toBe("");
  });
});
