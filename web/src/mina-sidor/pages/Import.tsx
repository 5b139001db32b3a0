// Import: a CSV file of people (chosen on the page, never pasted), a dry run first, and the
// API's report row by row.
import { useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { t } from "../../i18n/catalogue";
import { call, type ImportReport, type Problem } from "../api";
import { ProblemBanner } from "../problems";

/** The columns of telefonist.self_service.csv_import (the header row names them). */
export const COLUMNS: { name: string; required: boolean }[] = [
  { name: "person_id", required: true },
  { name: "first_name", required: true },
  { name: "last_name", required: true },
  { name: "title", required: false },
  { name: "department", required: false },
  { name: "work_phone", required: false },
  { name: "mobile_phone", required: false },
  { name: "email", required: false },
  { name: "keywords", required: false },
  { name: "message_preference", required: false },
];

export function ImportPage({ api }: { api: Api }) {
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setReport(null);
    // The file itself, as text/csv (the API also takes JSON-wrapped text, the page has no need to).
    const csv = await file.text();
    const result = await call(() =>
      api.POST("/people/import", {
        params: { query: { dry_run: dryRun } },
        body: csv as never,
        bodySerializer: (text: unknown) => text as string,
        headers: { "Content-Type": "text/csv; charset=utf-8" },
      }),
    );
    setBusy(false);
    if (!result.ok) return setProblem(result.problem);
    setProblem(null);
    setReport(result.data);
  };
  return (
    <>
      <h1>{t("ms.nav.import")}</h1>
      <section aria-labelledby="import-columns">
        <h2 id="import-columns">{t("ms.import.columns")}</h2>
        <p>{t("ms.import.format")}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("ms.import.column")}</th>
              <th scope="col">{t("ms.import.meaning")}</th>
            </tr>
          </thead>
          <tbody>
            {COLUMNS.map((column) => (
              <tr key={column.name}>
                <td>
                  <code>{column.name}</code>
                  {column.required ? ` (${t("ms.import.required")})` : ""}
                </td>
                <td>{t(`ms.import.col.${column.name}` as "ms.import.col.person_id")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <form aria-label={t("ms.import.form")} onSubmit={send}>
        <div class="field">
          <label for="import-file">{t("ms.import.file")}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setReport(null);
            }}
          />
          {problem?.fields["body.csv"] && <p class="field__error">{problem.fields["body.csv"]}</p>}
        </div>
        <label class="inline">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} /> {t("ms.import.dryRun")}
        </label>
        <ProblemBanner problem={problem} />
        <button type="submit" class="primary" disabled={!file || busy}>
          {busy ? t("ms.import.busy") : dryRun ? t("ms.import.check") : t("ms.import.run")}
        </button>
      </form>
      {report && <ImportReportView report={report} />}
    </>
  );
}

function ImportReportView({ report }: { report: ImportReport }) {
  return (
    <section aria-labelledby="import-report">
      <h2 id="import-report">{report.dry_run ? t("ms.import.reportDry") : t("ms.import.report")}</h2>
      <p role="status">
        {report.dry_run
          ? t("ms.import.summaryDry", { valid: report.rows.filter((r) => r.status === "valid").length, failed: report.failed })
          : t("ms.import.summary", { created: report.created, updated: report.updated, failed: report.failed })}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("ms.import.row")}</th>
            <th scope="col">{t("ms.people.id")}</th>
            <th scope="col">{t("ms.import.status")}</th>
            <th scope="col">{t("ms.import.errors")}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.row} class={row.status === "error" ? "row--error" : undefined}>
              <td>{row.row}</td>
              <td>{row.person_id ?? "–"}</td>
              <td>{t(`ms.import.status.${row.status}` as "ms.import.status.valid")}</td>
              <td>
                {(row.errors ?? []).map((e) => (
                  <p key={e.field}>
                    <code>{e.field}</code>: {e.message}
                  </p>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
