// How numbers and times read for a Swedish operator (times in Stockholm, whatever the machine).
import type { Language } from "../i18n/catalogue";

const LOCALE: Record<Language, string> = { sv: "sv-SE", en: "en-GB" };
const ZONE = "Europe/Stockholm";

/** "+46701234567" → "070-123 45 67"; "+46852000001" → "08-520 000 01"; others as given. */
export function displayNumber(e164: string): string {
  if (!e164.startsWith("+46")) return e164;
  const national = `0${e164.slice(3)}`;
  const area = national.startsWith("08") ? 2 : 3;
  const head = national.slice(0, area);
  const rest = national.slice(area);
  const sizes: Record<number, number[]> = { 6: [2, 2, 2], 7: [3, 2, 2], 8: [3, 3, 2] };
  let at = 0;
  const groups = (sizes[rest.length] ?? [rest.length]).map((size) => rest.slice(at, (at += size)));
  return `${head}-${groups.join(" ")}`;
}

function dayKey(date: Date): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, dateStyle: "short" }).format(date);
}

/** "14:00" today, "tis 1 dec. 14:00" another day (Stockholm time). */
export function displayTime(iso: string, lang: Language, now: Date = new Date()): string {
  const date = new Date(iso);
  const time = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: ZONE, hour: "2-digit", minute: "2-digit" });
  if (dayKey(date) === dayKey(now)) return time.format(date);
  const day = new Intl.DateTimeFormat(LOCALE[lang], { timeZone: ZONE, weekday: "short", day: "numeric", month: "short" });
  return `${day.format(date)} ${time.format(date)}`;
}
