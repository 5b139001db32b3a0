import { describe, expect, it } from "vitest";
import { displayNumber, displayTime } from "./format";

describe("numbers and times", () => {
  it("shows Swedish numbers in national form", () => {
    expect(displayNumber("+46701234567")).toBe("070-123 45 67");
    expect(displayNumber("+46852000001")).toBe("08-520 000 01");
    expect(displayNumber("+4420123456")).toBe("+4420123456");
  });

  it("shows a time today as hours and minutes in Stockholm", () => {
    const now = new Date("2026-11-30T10:00:00Z");
    expect(displayTime("2026-11-30T13:00:00Z", "sv", now)).toBe("14:00");
  });

  it("names the day when it is not today", () => {
    const now = new Date("2026-11-30T10:00:00Z");
    const text = displayTime("2026-12-01T13:00:00Z", "sv", now);
    expect(text).toContain("14:00");
    expect(text).toContain("1 dec");
  });
});
