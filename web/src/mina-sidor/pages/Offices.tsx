// Kontor: addresses, visiting instructions, door codes. Codes are write-only: hidden unless an
// administrator asks to see one; saving without touching them leaves `door_codes` out, which
// keeps the stored codes.
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../../api/client";
import { Field, FieldGroup } from "../../components/Field";
import { t } from "../../i18n/catalogue";
import { call, listOffices, type Office, type OfficeInput, type OfficeSummary, type Problem } from "../api";
import { FieldErrors, ProblemBanner, SaveBar, unsaved } from "../problems";

export function OfficesPage({ api, editable }: { api: Api; editable: boolean }) {
  const [list, setList] = useState<OfficeSummary[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const load = async () => {
    const result = await listOffices(api);
    if (!result.ok) return setProblem(result.problem);
    setList(result.data);
  };
  useEffect(() => {
    void load();
  }, [api]);
  if (problem) return <ProblemBanner problem={problem} />;
  if (!list) return <p role="status">{t("ms.loading")}</p>;
  return (
    <>
      <h1>{t("ms.nav.offices")}</h1>
      {list.length === 0 && <p>{t("ms.none")}</p>}
      <ul class="cards">
        {list.map((office) => (
          <li key={office.office_id} class="card">
            <h2>{office.name}</h2>
            <p>
              {office.address.street}, {office.address.postal_code} {office.address.city}
            </p>
            <p class="muted">{office.visiting_instructions}</p>
            <p>
              {t("ms.offices.codes")}: {office.door_code_labels.length ? office.door_code_labels.join(", ") : t("ms.none")}
            </p>
            {open === office.office_id ? (
              <OfficeEditor
                api={api}
                officeId={office.office_id}
                editable={editable}
                onDone={() => {
                  setOpen(null);
                  void load();
                }}
              />
            ) : (
              <button type="button" onClick={() => setOpen(office.office_id)}>
                {editable ? t("ms.offices.edit", { name: office.name }) : t("ms.offices.show", { name: office.name })}
              </button>
            )}
          </li>
        ))}
      </ul>
      {editable &&
        (creating ? (
          <OfficeEditor
            api={api}
            officeId={null}
            editable
            onDone={() => {
              setCreating(false);
              void load();
            }}
          />
        ) : (
          <button type="button" onClick={() => setCreating(true)}>
            {t("ms.offices.new")}
          </button>
        ))}
    </>
  );
}

interface CodeDraft {
  label: string;
  code: string;
}

function OfficeEditor({
  api,
  officeId,
  editable,
  onDone,
}: {
  api: Api;
  officeId: string | null;
  editable: boolean;
  onDone: () => void;
}) {
  const [office, setOffice] = useState<Office | null>(null);
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [street, setStreet] = useState("");
  const [postalCode, setPostalCode] = useState("");
  const [city, setCity] = useState("");
  const [instructions, setInstructions] = useState("");
  // null: the codes are not being changed (left out of the request, so they are kept).
  const [codes, setCodes] = useState<CodeDraft[] | null>(officeId ? null : []);
  const [revealed, setRevealed] = useState<Set<number>>(new Set());
  const [problem, setProblem] = useState<Problem | null>(null);
  const errors = new FieldErrors(problem);
  const load = async () => {
    if (!officeId) return;
    const result = await call(() => api.GET("/offices/{office_id}", { params: { path: { office_id: officeId } } }));
    if (!result.ok) return setProblem(result.problem);
    const o = result.data;
    setOffice(o);
    setName(o.name);
    setStreet(o.address.street);
    setPostalCode(o.address.postal_code);
    setCity(o.address.city);
    setInstructions(o.visiting_instructions);
    setCodes(null);
    setRevealed(new Set());
    setProblem(null);
    unsaved.value = false;
  };
  useEffect(() => {
    void load();
  }, [officeId]);
  if (officeId && !office && !problem) return <p role="status">{t("ms.loading")}</p>;
  const touched = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    unsaved.value = true;
  };
  const save = async (event: Event) => {
    event.preventDefault();
    const target = officeId ?? id;
    const body: OfficeInput = {
      name,
      address: { street, postal_code: postalCode, city, country: office?.address.country ?? "SE" },
      visiting_instructions: instructions,
      expected_version: office?.version ?? 0,
      ...(codes !== null ? { door_codes: codes } : {}),
    };
    const result = await call(() => api.PUT("/offices/{office_id}", { params: { path: { office_id: target } }, body }));
    if (!result.ok) return setProblem(result.problem);
    unsaved.value = false;
    onDone();
  };
  const remove = async () => {
    if (!officeId || !window.confirm(t("ms.offices.deleteConfirm", { name }))) return;
    const result = await call(() => api.DELETE("/offices/{office_id}", { params: { path: { office_id: officeId } } }));
    if (!result.ok) return setProblem(result.problem);
    unsaved.value = false;
    onDone();
  };
  const ro = !editable;
  const title = officeId ? t("ms.offices.form", { name: office?.name ?? officeId }) : t("ms.offices.new");
  return (
    <form class="editor__form" aria-label={title} onSubmit={save}>
      {!officeId && (
        <Field label={t("ms.offices.id")} hint={t("ms.id.hint")} value={id} onInput={touched(setId)} error={errors.of("path.office_id")} required />
      )}
      <Field label={t("ms.name")} value={name} onInput={touched(setName)} error={errors.of("body.name")} readOnly={ro} />
      <Field label={t("ms.offices.street")} value={street} onInput={touched(setStreet)} error={errors.of("body.address.street")} readOnly={ro} />
      <div class="row">
        <Field label={t("ms.offices.postalCode")} value={postalCode} onInput={touched(setPostalCode)} error={errors.of("body.address.postal_code")} readOnly={ro} />
        <Field label={t("ms.offices.city")} value={city} onInput={touched(setCity)} error={errors.of("body.address.city")} readOnly={ro} />
      </div>
      <Field
        label={t("ms.offices.instructions")}
        multiline
        value={instructions}
        onInput={touched(setInstructions)}
        error={errors.of("body.visiting_instructions")}
        readOnly={ro}
      />
      <h3>{t("ms.offices.codes")}</h3>
      {codes === null ? (
        <>
          <p class="muted">{editable ? t("ms.offices.codesKept") : t("ms.offices.codesAdminsOnly")}</p>
          <ul class="codes">
            {(office?.door_codes ?? []).map((code, i) => (
              <li key={i}>
                <span>{code.label}: </span>
                {revealed.has(i) && code.code ? (
                  <strong class="code">{code.code}</strong>
                ) : (
                  <>
                    <span aria-hidden="true">••••</span>
                    <span class="visually-hidden">{t("ms.offices.hidden")}</span>
                  </>
                )}{" "}
                {editable && code.code && (
                  <button
                    type="button"
                    aria-pressed={revealed.has(i)}
                    onClick={() => {
                      const next = new Set(revealed);
                      if (next.has(i)) next.delete(i);
                      else next.add(i);
                      setRevealed(next);
                    }}
                  >
                    {revealed.has(i) ? t("ms.offices.hide", { label: code.label }) : t("ms.offices.reveal", { label: code.label })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {editable && (
            <button type="button" onClick={() => setCodes([])}>
              {t("ms.offices.changeCodes")}
            </button>
          )}
        </>
      ) : (
        <>
          <p class="muted">{t("ms.offices.codesReplace")}</p>
          {codes.map((code, i) => (
            <FieldGroup key={i} legend={t("ms.offices.code", { n: i + 1 })}>
              <div class="row">
                <Field
                  label={t("ms.offices.codeLabel")}
                  value={code.label}
                  onInput={touched((v: string) => setCodes(codes.map((c, j) => (j === i ? { ...c, label: v } : c))))}
                  error={errors.of(`body.door_codes.${i}.label`)}
                />
                <Field
                  label={t("ms.offices.codeValue")}
                  value={code.code}
                  onInput={touched((v: string) => setCodes(codes.map((c, j) => (j === i ? { ...c, code: v } : c))))}
                  error={errors.of(`body.door_codes.${i}.code`)}
                />
              </div>
              <button type="button" onClick={() => setCodes(codes.filter((_, j) => j !== i))}>
                {t("ms.offices.removeCode", { n: i + 1 })}
              </button>
            </FieldGroup>
          ))}
          <button type="button" onClick={touched(() => setCodes([...codes, { label: "", code: "" }]))}>
            {t("ms.offices.addCode")}
          </button>
          {officeId && (
            <button type="button" onClick={() => setCodes(null)}>
              {t("ms.offices.keepCodes")}
            </button>
          )}
        </>
      )}
      <SaveBar
        problem={problem}
        errors={errors}
        onReload={() => void load()}
        editable={editable}
        deleteLabel={t("ms.offices.delete")}
        onDelete={officeId ? remove : null}
        onClose={onDone}
      />
    </form>
  );
}
