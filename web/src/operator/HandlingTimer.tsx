import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n/catalogue";
import { formatElapsed, timerState } from "./timer";

/** The 45-second budget from the operator's connection; stopped at transfer, message sent or hang-up. */
export function HandlingTimer({ startedAt, stoppedAt }: { startedAt: number; stoppedAt: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (stoppedAt !== null) return undefined;
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [stoppedAt]);
  const elapsed = (stoppedAt ?? now) - startedAt;
  const state = timerState(elapsed);
  return (
    <div class={`timer timer--${state}`} role="timer" aria-label={t("timer.label")} data-state={state}>
      <span class="timer__time">{formatElapsed(elapsed)}</span>
      <span class="timer__state">
        {t(`timer.${state}`)}
        {stoppedAt !== null ? ` · ${t("timer.stopped")}` : ""}
      </span>
    </div>
  );
}
