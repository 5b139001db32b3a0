// Logg: who changed what, when (newest first, a page at a time).
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { language, t } from "../../i18n/catalogue";
import { type AuditEntry, auditPage, type Problem } from "../api";
import { dateTime } from "../format";
import { ProblemBanner } from "../problems";

export function AuditPage({ api }: { api: Api }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const lang = language.value;
  const more = async (from: string | null) => {
    setLoading(true);
    const page = await auditPage(api, from);
    setLoading(false);
    if (!page.ok) return setProblem(page.problem);
    setEntries((before) => [...(from ? before : []), ...page.data.items]);
    setCursor(page.data.next_cursor ?? null);
  };
  useEffect(() => {
    void more(null);
  }, [api]);
  return (
    <>
      <h1>{t("ms.nav.audit")}</h1>
      <ProblemBanner problem={problem} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t("ms.audit.at")}</th>
            <th scope="col">{t("ms.audit.actor")}</th>
            <th scope="col">{t("ms.audit.action")}</th>
            <th scope="col">{t("ms.audit.target")}</th>
            <th scope="col">{t("ms.audit.version")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={i}>
              <td>{dateTime(e.at, lang)}</td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
                {e.detail ? ` · ${e.detail}` : ""}
              </td>
              <td>{e.target}</td>
              <td>{e.version ?? "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {loading && <p role="status">{t("ms.loading")}</p>}
      {cursor && !loading && (
        <button type="button" onClick={() => void more(cursor)}>
          {t("ms.audit.more")}
        </button>
      )}
    </>
  );
}
