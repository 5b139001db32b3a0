// A person's data (issue 20): the customer's administrators export everything stored about one
// person as a JSON file, or erase the person with their referrals, messages and calendar (confirmed).
import { useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { t } from "../../i18n/catalogue";
import { call, type Problem } from "../api";
import { saveFile } from "../download";
import { ProblemBanner } from "../problems";

export function PersonData({ api, personId, name, onErased }: { api: Api; personId: string; name: string; onErased: () => void }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const path = { params: { path: { person_id: personId } } };
  const exportData = async () => {
    const result = await call(() => api.GET("/people/{person_id}/export", path));
    if (!result.ok) return setProblem(result.problem);
    setProblem(null);
    saveFile(new Blob([JSON.stringify(result.data, null, 2)], { type: "application/json" }), `${personId}.json`);
  };
  const erase = async () => {
    if (!window.confirm(t("ms.people.eraseConfirm", { name }))) return;
    const result = await call(() => api.DELETE("/people/{person_id}/personal-data", path));
    if (!result.ok) return setProblem(result.problem);
    onErased();
  };
  return (
    <section aria-label={t("ms.people.data")}>
      <h3>{t("ms.people.data")}</h3>
      <p class="hint">{t("ms.people.dataHint")}</p>
      <ProblemBanner problem={problem} />
      <button type="button" onClick={() => void exportData()}>
        {t("ms.people.export")}
      </button>{" "}
      <button type="button" class="danger" onClick={() => void erase()}>
        {t("ms.people.erase")}
      </button>
    </section>
  );
}
