import { render } from "preact";
import { t } from "../i18n/catalogue";

function OperatorPage() {
  return <main><h1>{t("call.waiting")}</h1></main>;
}

const root = document.getElementById("app");
if (root) render(<OperatorPage />, root);
