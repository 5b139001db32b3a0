import { language, t } from "../i18n/catalogue";

/** Swedish first; one button switches to English and back (named in the language it switches to). */
export function LanguageSwitch() {
  const other = language.value === "sv" ? "en" : "sv";
  const toggle = () => {
    language.value = other;
    document.documentElement.lang = other;
  };
  return (
    <button type="button" class="language-switch" onClick={toggle} lang={other} title={t("lang.switchLabel")}>
      {t("lang.switch")}
    </button>
  );
}
