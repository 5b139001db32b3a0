import { describe, expect, it } from "vitest";
import { catalogue, translate, type MessageKey } from "./catalogue";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the message catalogue", () => {
  it("has every key in Swedish and English, with the same placeholders", () => {
    const keys = Object.keys(catalogue.sv) as MessageKey[];
    expect(Object.keys(catalogue.en).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(catalogue.en[key].trim(), key).not.toBe("");
      expect(placeholders(catalogue.en[key]), key).toEqual(placeholders(catalogue.sv[key]));
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("sv", "person.returns", { time: "14:00" })).toBe("åter 14:00");
    expect(translate("en", "person.returns", {})).toBe("back {time}");
  });
});
