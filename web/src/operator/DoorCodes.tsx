import { useState } from "preact/hooks";
import type { Api } from "../api/client";
import { t } from "../i18n/catalogue";
import { type OfficeWithCodes, revealOffice } from "./api";
import { failureText } from "./failure";

// telefonist.inbound.attributes.OFFICE_ID_SEPARATOR: the contact names offices, never their codes.
const OFFICE_ID_SEPARATOR = ",";

type State =
  | { kind: "hidden" }
  | { kind: "revealing" }
  | { kind: "shown"; offices: OfficeWithCodes[] }
  | { kind: "failed"; detail: string };

/** The offices' door codes, only on an explicit "Visa kod" (the operator API audits each reveal). */
export function DoorCodes({ api, tenantId, officeIds }: { api: Api; tenantId: string; officeIds: string }) {
  const ids = officeIds.split(OFFICE_ID_SEPARATOR).filter(Boolean);
  const [state, setState] = useState<State>({ kind: "hidden" });
  if (!ids.length) return null;

  const reveal = async () => {
    setState({ kind: "revealing" });
    const results = await Promise.all(ids.map((id) => revealOffice(api, tenantId, id)));
    const offices: OfficeWithCodes[] = [];
    for (const result of results) {
      if (!result.ok) {
        setState({ kind: "failed", detail: failureText(result.failure, "other") });
        return;
      }
      offices.push(result.data);
    }
    setState({ kind: "shown", offices });
  };

  if (state.kind === "shown") {
    return (
      <div class="codes">
        <ul class="codes__list" aria-label={t("office.codes")}>
          {state.offices.flatMap((office) =>
            office.door_codes.map((code) => (
              <li key={`${office.office_id}-${code.label}`}>
                {office.name}, {code.label}: <strong class="codes__code">{code.code}</strong>
              </li>
            )),
          )}
        </ul>
        <button type="button" onClick={() => setState({ kind: "hidden" })}>
          {t("office.hide")}
        </button>
      </div>
    );
  }
  return (
    <div class="codes">
      <button type="button" onClick={reveal} disabled={state.kind === "revealing"} aria-describedby="codes-audited">
        {state.kind === "revealing" ? t("office.revealing") : t("office.reveal")}
      </button>
      <span id="codes-audited" class="codes__note">
        {t("office.audited")}
      </span>
      {state.kind === "failed" && <p role="alert">{t("office.revealFailed", { detail: state.detail })}</p>}
    </div>
  );
}
