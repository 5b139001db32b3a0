// The 45-second handling budget: neutral to 30 s, a warning from 30 s, over from 45 s.
export const WARNING_AFTER_MS = 30_000;
export const OVER_AFTER_MS = 45_000;

export type TimerState = "ok" | "warning" | "over";

export function timerState(elapsedMs: number): TimerState {
  if (elapsedMs >= OVER_AFTER_MS) return "over";
  if (elapsedMs >= WARNING_AFTER_MS) return "warning";
  return "ok";
}

/** "0:07", "1:02": minutes and seconds, whole seconds elapsed. */
export function formatElapsed(elapsedMs: number): string {
  const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
