import type { ComponentChildren } from "preact";
import { t } from "../i18n/catalogue";

const NOTICE_SEPARATOR = " • "; // telefonist.inbound.attributes.TEMPORARY_INFORMATION_SEPARATOR

/** The customer's script from the contact attributes: how to answer first and largest.
 * `office`: what goes under the office summary (the door codes' reveal). */
export function ScriptPanel({ attributes, office }: { attributes: Record<string, string>; office?: ComponentChildren }) {
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
      <ScriptSection id="script-office" title={t("script.office")} text={attributes.office_summary}>
        {office}
      </ScriptSection>
    </section>
  );
}

interface SectionProps {
  id: string;
  title: string;
  text: string | undefined;
  children?: ComponentChildren;
}

function ScriptSection({ id, title, text, children }: SectionProps) {
  if (!text && !children) return null;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {text && <p>{text}</p>}
      {children}
    </section>
  );
}
