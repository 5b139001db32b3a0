import { describe, expect, it } from "vitest";
import {
  clock,
  count,
  dateTime,
  fromLocalInput,
  isOpenAt,
  kronor,
  monthName,
  percent,
  previousMonth,
  stockholmDay,
  toLocalInput,
  weekdayName,
} from "./format";

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("a share in percent", () => {
  it("writes the Swedish way with a decimal comma, the English way with a point, and 0 of 0 as 0", () => {
    expect(nbsp(percent(44, 120))).toBe("36,7 %");
    expect(percent(44, 120, "en")).toBe("36.7%");
    expect(nbsp(percent(0, 0))).toBe("0,0 %");
  });
});

describe("öre → kronor", () => {
  it("formats Swedish kronor with a space between thousands and a decimal comma", () => {
    expect(nbsp(kronor(123456))).toBe("1 234,56 kr");
    expect(nbsp(kronor(2900))).toBe("29,00 kr");
    expect(nbsp(kronor(5))).toBe("0,05 kr");
    expect(nbsp(kronor(0))).toBe("0,00 kr");
  });
  it("keeps every öre of large sums and of sums a float would round", () => {
    expect(nbsp(kronor(1_234_567_891))).toBe("12 345 678,91 kr");
    expect(nbsp(kronor(1005))).toBe("10,05 kr");
    expect(nbsp(kronor(-1999))).toMatch(/^[−-]19,99 kr$/);
  });
  it("formats in English as SEK", () => {
    expect(nbsp(kronor(123456, "en"))).toBe("SEK 1,234.56");
  });
  it("counts with Swedish grouping", () => {
    expect(nbsp(count(20000))).toBe("20 000");
  });
});

describe("Stockholm local times", () => {
  it("reads a winter wall-clock time as UTC+1 and a summer one as UTC+2", () => {
    expect(fromLocalInput("2027-01-05T13:00")).toBe("2027-01-05T13:00:00+01:00");
    expect(fromLocalInput("2027-07-05T13:00")).toBe("2027-07-05T13:00:00+02:00");
  });
  it("moves a time in the skipped spring hour forward and takes summer time in the doubled autumn hour", () => {
    // 2027-03-28 02:30 does not exist in Stockholm; 2027-10-31 02:30 exists twice.
    expect(fromLocalInput("2027-03-28T02:30")).toBe("2027-03-28T03:30:00+02:00");
    expect(fromLocalInput("2027-10-31T02:30")).toBe("2027-10-31T02:30:00+02:00");
  });
  it("refuses what is not a datetime-local value", () => {
    expect(fromLocalInput("")).toBeNull();
    expect(fromLocalInput("2027-01-05 13:00Z")).toBeNull();
  });
  it("shows a UTC moment as Stockholm time in a datetime-local field, and back", () => {
    expect(toLocalInput("2027-01-05T12:00:00Z")).toBe("2027-01-05T13:00");
    expect(toLocalInput("2027-07-05T23:30:00+00:00")).toBe("2027-07-06T01:30");
    expect(fromLocalInput(toLocalInput("2027-07-05T23:30:00Z"))).toBe("2027-07-06T01:30:00+02:00");
  });
  it("names the Stockholm day, month, weekday and time", () => {
    expect(stockholmDay(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01-01");
    expect(nbsp(dateTime("2027-01-05T12:00:00Z"))).toBe("5 jan. 2027 13:00");
    expect(monthName("2027-01")).toBe("januari 2027");
    expect(monthName("2027-01", "en")).toBe("January 2027");
    expect(previousMonth("2027-01")).toBe("2026-12");
    expect(weekdayName(0)).toBe("måndag");
    expect(weekdayName(6, "en")).toBe("Sunday");
    expect(clock("08:00:00")).toBe("08:00");
  });
});

describe("opening hours", () => {
  const weekdays = { "0": ["07:00:00", "18:00:00"], "4": ["07:00", "18:00"] } as Record<string, [string, string]>;
  it("is open from the opening time up to, not at, the closing time, in Stockholm time", () => {
    // Monday 2027-01-04: 06:00Z is 07:00 in Stockholm; 17:00Z is 18:00.
    expect(isOpenAt(weekdays, new Date("2027-01-04T05:59:00Z"))).toBe(false);
    expect(isOpenAt(weekdays, new Date("2027-01-04T06:00:00Z"))).toBe(true);
    expect(isOpenAt(weekdays, new Date("2027-01-04T16:59:00Z"))).toBe(true);
    expect(isOpenAt(weekdays, new Date("2027-01-04T17:00:00Z"))).toBe(false);
  });
  it("is closed on a day without hours, and always open without any hours", () => {
    expect(isOpenAt(weekdays, new Date("2027-01-05T10:00:00Z"))).toBe(false);
    expect(isOpenAt({}, new Date("2027-01-05T10:00:00Z"))).toBe(true);
  });
});
