// Money, dates and times as a Swedish customer reads them. The API stores moments in UTC and
// opening hours as Stockholm wall-clock times; this page shows and takes Stockholm local time,
// whatever the zone of the machine it runs on.
import type { Language } from "../i18n/catalogue";

export const ZONE = "Europe/Stockholm";
const LOCALE: Record<Language, string> = { sv: "sv-SE", en: "en-GB" };

/** 123456 öre → "1 234,56 kr" (sv) or "SEK 1,234.56" (en); exact for any whole number of öre. */
export function kronor(ore: number, lang: Language = "sv"): string {
  const format = new Intl.NumberFormat(LOCALE[lang], {
    style: "currency",
    currency: "SEK",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  // Whole kronor and öre apart, so no binary fraction can round a sum the wrong way.
  const sign = ore < 0 ? -1 : 1;
  const whole = Math.trunc(Math.abs(ore) / 100);
  const cents = Math.abs(ore) % 100;
  return format.format(sign * Number(`${whole}.${String(cents).padStart(2, "0")}`));
}

/** A count the Swedish way: 20000 → "20 000". */
export function count(value: number, lang: Language = "sv"): string {
  return new Intl.NumberFormat(LOCALE[lang]).format(value);
}

/** A share as a percentage with one decimal: (44, 120) → "36,7 %" (sv) or "36.7%" (en); 0 of 0 is 0. */
export function percent(part: number, whole: number, lang: Language = "sv"): string {
  const format = new Intl.NumberFormat(LOCALE[lang], {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  return format.format(whole > 0 ? part / whole : 0);
}

function parts(date: Date): Record<string, number> {
  const found: Record<string, number> = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: ZONE,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  for (const part of format.formatToParts(date)) {
    if (part.type !== "literal") found[part.type] = Number(part.value);
  }
  return found;
}

/** Minutes Stockholm is ahead of UTC at `date` (60 in winter, 120 in summer). */
export function stockholmOffsetMinutes(date: Date): number {
  const p = parts(date);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A moment → "2027-01-05T13:00", the value of an <input type="datetime-local"> in Stockholm time. */
export function toLocalInput(iso: string): string {
  const p = parts(new Date(iso));
  return `${p.year}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}T${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}`;
}

/**
 * "2027-01-05T13:00" read as Stockholm wall-clock time → "2027-01-05T13:00:00+01:00".
 * A time that does not exist (the hour skipped in March) moves forward by the gap; one that
 * exists twice (October) is the first, summer-time, one. Null for anything else.
 */
export function fromLocalInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // Stockholm is UTC+1 or UTC+2: the reading whose offset holds at its own moment, summer first.
  const fits = [120, 60].map((offset) => wall - offset * 60_000).filter((utc) => wall - utc === stockholmOffsetMinutes(new Date(utc)) * 60_000);
  const utc = fits[0] ?? wall - 60 * 60_000;
  const at = stockholmOffsetMinutes(new Date(utc));
  const sign = at >= 0 ? "+" : "-";
  const local = new Date(utc + at * 60_000);
  const text =
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:00`;
  return `${text}${sign}${pad(Math.floor(Math.abs(at) / 60))}:${pad(Math.abs(at) % 60)}`;
}

/** "2027-01-05" of a moment in Stockholm. */
export function stockholmDay(date: Date): string {
  const p = parts(date);
  return `${p.year}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}`;
}

/** "2027-01" of a moment in Stockholm (the billing month it falls in). */
export function stockholmMonth(date: Date): string {
  return stockholmDay(date).slice(0, 7);
}

/** The month before "2027-01" → "2026-12". */
export function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
}

/** "5 jan. 2027 13:00" (sv) / "5 Jan 2027, 13:00" (en), in Stockholm time. */
export function dateTime(iso: string, lang: Language = "sv"): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: ZONE,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

/** "2027-01" → "januari 2027" / "January 2027". */
export function monthName(month: string, lang: Language = "sv"): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat(LOCALE[lang], { timeZone: "UTC", month: "long", year: "numeric" }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

/** Weekday 0 (Monday) … 6 (Sunday) → "måndag" / "Monday". */
export function weekdayName(day: number, lang: Language = "sv"): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(LOCALE[lang], { timeZone: "UTC", weekday: "long" }).format(
    new Date(Date.UTC(2024, 0, 1 + day)),
  );
}

/** "08:00:00" or "08:00" (the API's wall-clock time) → "08:00". */
export function clock(value: string): string {
  return value.slice(0, 5);
}

/** Weekday (0 = Monday) and "HH:MM" of a moment in Stockholm. */
export function stockholmWeekTime(date: Date): { weekday: number; time: string } {
  const p = parts(date);
  const weekday = (new Date(Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1)).getUTCDay() + 6) % 7;
  return { weekday, time: `${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}` };
}

/** Whether the weekly hours (Stockholm, [opens, closes) per weekday; none = always open) hold `date`. */
export function isOpenAt(weekly: Record<string, readonly string[]>, date: Date): boolean {
  if (Object.keys(weekly).length === 0) return true;
  const { weekday, time } = stockholmWeekTime(date);
  const hours = weekly[String(weekday)];
  if (!hours) return false;
  const [opens, closes] = hours;
  return opens !== undefined && closes !== undefined && clock(opens) <= time && time < clock(closes);
}
