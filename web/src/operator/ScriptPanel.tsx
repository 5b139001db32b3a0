import { t } from "../i18n/catalogue";

const NOTICE_SEPARATOR = " • "; // telefonist.inbound.attributes.TEMPORARY_INFORMATION_SEPARATOR

/** The customer's script from the contact attributes: how to answer first and largest. */
export function ScriptPanel({ attributes }: { attributes: Record<string, string> }) {
  const notices = (attributes.temporary_information ?? "").split(NOTICE_SEPARATOR).filter((n) => n.trim());
  const closed = attributes.open === "false" && attributes.closed_message;
  return (
    <section class="script" aria-label={t("script.region")}>
      <section class="script__answer" aria-labelledby="script-answer">
        <h2 id="script-answer">{t("script.howToAnswer")}</h2>
        <p class="script__answer-text">{attributes.how_to_answer || t("script.none")}</p>
      </section>
      {notices.length > 0 && (
        <section class="script__notice" aria-labelledby="script-temporary">
          <h2 id="script-temporary">{t("script.temporary")}</h2>
          <ul>
            {notices.map((notice) => (
              <li key={notice}>{notice}</li>
            ))}
          </ul>
        </section>
      )}
      {closed && (
        <section class="script__notice" aria-labelledby="script-closed">
          <h2 id="script-closed">{t("script.closed")}</h2>
          <p>{attributes.closed_message}</p>
        </section>
      )}
      <ScriptSection id="script-transfer" title={t("script.howToTransfer")} text={attributes.how_to_transfer} />
      <ScriptSection id="script-messages" title={t("script.howToTakeMessages")} text={attributes.how_to_take_messages} />
      <ScriptSection id="script-office" title={t("script.office")} text={attributes.office_summary} />
    </section>
  );
}

function ScriptSection({ id, title, text }: { id: string; title: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p>{text}</p>
    </section>
  );
}
