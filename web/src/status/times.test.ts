import { describe, expect, it } from "vitest";
import { dayText, endTimes, stockholmClock, stockholmDate } from "./times";

describe("end times in Stockholm", () => {
  it("reads the clock in Stockholm, winter and summer", () => {
    expect(stockholmClock(new Date("2026-11-30T09:15:00Z"))).toEqual({ hour: 10, minute: 15 });
    expect(stockholmClock(new Date("2026-06-01T09:15:00Z"))).toEqual({ hour: 11, minute: 15 });
    expect(stockholmDate(new Date("2026-11-30T23:30:00Z"))).toBe("2026-12-01");
  });

  it("offers half hours at least 15 minutes away, 13:00 among them at 10:15", () => {
    const times = endTimes(new Date("2026-11-30T09:15:00Z"));
    expect(times[0]).toBe("11:00");
    expect(times).toContain("13:00");
    expect(times).toHaveLength(8);
    expect(endTimes(new Date("2026-11-30T09:10:00Z"))[0]).toBe("10:30");
  });

  it("never offers tomorrow", () => {
    expect(endTimes(new Date("2026-11-30T22:00:00Z"))).toEqual(["23:30"]);
    expect(endTimes(new Date("2026-11-30T22:20:00Z"))).toEqual([]);
  });

  it("writes a day as the referral does", () => {
    expect(dayText("2027-07-31")).toBe("31/7");
  });
});
