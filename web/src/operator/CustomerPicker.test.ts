import { describe, expect, it } from "vitest";
import type { Customer } from "./api";
import { matching } from "./CustomerPicker";

const customers: Customer[] = [
  { tenant_id: "acme", name: "Acme Verktyg AB", numbers: [{ phone_number: "+46852000001", common_number_name: "Växel" }] },
  { tenant_id: "globex", name: "Globex Öresund", numbers: [{ phone_number: "+46406000000", common_number_name: "Support" }] },
];

describe("which customer a fallback call is for", () => {
  it("offers every customer before anything is typed", () => {
    expect(matching(customers, " ")).toEqual(customers);
  });

  it("finds a customer by any word of its name, case and accents ignored", () => {
    expect(matching(customers, "oresund").map((c) => c.tenant_id)).toEqual(["globex"]);
    expect(matching(customers, "VERKTYG ab").map((c) => c.tenant_id)).toEqual(["acme"]);
  });

  it("finds a customer by the number the caller says, in any form", () => {
    expect(matching(customers, "08-520 000 01").map((c) => c.tenant_id)).toEqual(["acme"]);
    expect(matching(customers, "040600").map((c) => c.tenant_id)).toEqual(["globex"]);
  });

  it("finds a customer by a common number's name", () => {
    expect(matching(customers, "support").map((c) => c.tenant_id)).toEqual(["globex"]);
  });

  it("offers nobody when a word matches nothing", () => {
    expect(matching(customers, "acme initech")).toEqual([]);
  });
});
