// End times offered on the employee's page, in Europe/Stockholm whatever the phone's own zone.

const ZONE = "Europe/Stockholm";

/** The hour and minute of `moment` in Stockholm. */
export function stockholmClock(moment: Date): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(moment);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { hour: value("hour"), minute: value("minute") };
}

/** The Stockholm date of `moment` as YYYY-MM-DD. */
export function stockholmDate(moment: Date): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    moment,
  );
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Up to `count` half-hour end times after `moment`, today only ("HH:MM"), the first at least 15 minutes away. */
export function endTimes(moment: Date, count = 8): string[] {
  const { hour, minute } = stockholmClock(moment);
  const times: string[] = [];
  let next = Math.floor((hour * 60 + minute + 15) / 30) * 30 + 30;
  while (times.length < count && next < 24 * 60) {
    times.push(`${pad(Math.floor(next / 60))}:${pad(next % 60)}`);
    next += 30;
  }
  return times;
}

/** "31/7" of a YYYY-MM-DD date, as the referral text writes it. */
export function dayText(isoDate: string): string {
  const [, month, day] = isoDate.split("-").map(Number);
  return `${day}/${month}`;
}

/** "13:00" of an ISO instant, in Stockholm. */
export function clockText(iso: string): string {
  const { hour, minute } = stockholmClock(new Date(iso));
  return `${pad(hour)}:${pad(minute)}`;
}
