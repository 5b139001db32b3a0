// Mina sidor: sign-in, then the pages a person's role may use, one at a time (#/nummer, …).
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api/client";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { type MessageKey, t } from "../i18n/catalogue";
import { authorizeUrl, type Session, session, signInLocally, signOut } from "./auth";
import type { SiteConfig } from "./config";
import { AuditPage } from "./pages/Audit";
import { BillingPage } from "./pages/Billing";
import { CalendarPage, keepConsentAnswer } from "./pages/Calendar";
import { CallLogPage } from "./pages/CallLog";
import { CommonNumbersPage } from "./pages/CommonNumbers";
import { ImportPage } from "./pages/Import";
import { MessagesPage } from "./pages/Messages";
import { OfficesPage } from "./pages/Offices";
import { FinanceOverviewPage, OverviewPage } from "./pages/Overview";
import { PeoplePage } from "./pages/People";
import { StatisticsPage } from "./pages/Statistics";
import { confirmLeave, unsaved } from "./problems";
import { type PageId, pagesFor, type Role } from "./roles";

const SLUGS: Record<PageId, string> = {
  overview: "oversikt",
  numbers: "nummer",
  offices: "kontor",
  people: "personer",
  messages: "meddelanden",
  import: "import",
  billing: "fakturering",
  statistics: "statistik",
  callLog: "samtalslogg",
  calendar: "kalender",
  audit: "logg",
};

function pageOfHash(hash: string, allowed: readonly PageId[]): PageId {
  const slug = hash.replace(/^#\/?/, "");
  const found = (Object.keys(SLUGS) as PageId[]).find((page) => SLUGS[page] === slug);
  return found && allowed.includes(found) ? found : "overview";
}

keepConsentAnswer(); // back from Microsoft 365's admin consent: kept across sign-in, then to Kalender

export function MinaSidor({ api, config }: { api: Api; config: SiteConfig }) {
  const current = session.value;
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (unsaved.value) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);
  if (!current) return <SignIn config={config} />;
  return <SignedIn api={api} config={config} who={current} />;
}

function SignIn({ config }: { config: SiteConfig }) {
  const [failed, setFailed] = useState<string | null>(null);
  const signInWithCognito = async () => {
    if (config.host !== "cognito") return;
    try {
      window.location.assign(await authorizeUrl(config.cognito));
    } catch (error) {
      setFailed(error instanceof Error ? error.message : "?");
    }
  };
  return (
    <div class="signin">
      <header class="topbar">
        <p class="topbar__brand">{t("ms.brand")}</p>
        <LanguageSwitch />
      </header>
      <main class="signin__main">
        <h1>{t("ms.signIn.title")}</h1>
        {config.host === "local" ? (
          <>
            <p>{t("ms.signIn.local")}</p>
            <ul class="signin__identities">
              {config.identities.map((identity) => (
                <li key={identity.role}>
                  <button type="button" onClick={() => signInLocally(identity, config.tenantId)}>
                    {t(`ms.role.${identity.role}` as MessageKey)}
                  </button>
                  <span class="muted"> {t(`ms.role.${identity.role}.what` as MessageKey)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <button type="button" class="primary" onClick={signInWithCognito}>
            {t("ms.signIn.cognito")}
          </button>
        )}
        {failed && <p role="alert">{failed}</p>}
      </main>
    </div>
  );
}

function SignedIn({ api, config, who }: { api: Api; config: SiteConfig; who: Session }) {
  const allowed = pagesFor(who.role);
  const [page, setPage] = useState<PageId>(() => pageOfHash(window.location.hash, allowed));
  useEffect(() => {
    const follow = () => setPage(pageOfHash(window.location.hash, allowed));
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, [allowed]);
  useEffect(() => {
    document.title = `${t(`ms.nav.${page}` as MessageKey)} · ${t("ms.brand")}`;
    document.getElementById("main")?.focus();
  }, [page]);
  const go = (event: MouseEvent, target: PageId) => {
    event.preventDefault();
    if (target === page || !confirmLeave()) return;
    window.location.hash = `/${SLUGS[target]}`;
  };
  const leave = () => {
    if (confirmLeave()) signOut(config.host === "cognito" ? config.cognito : null);
  };
  return (
    <div class="site">
      <a class="skip" href="#main">
        {t("ms.skip")}
      </a>
      <header class="topbar">
        <p class="topbar__brand">{t("ms.brand")}</p>
        <p class="topbar__who">
          {t(`ms.role.${who.role}` as MessageKey)}
          {who.tenantId ? ` · ${who.tenantId}` : ""}
        </p>
        <LanguageSwitch />
        <button type="button" onClick={leave}>
          {t("ms.signOut")}
        </button>
      </header>
      <nav class="nav" aria-label={t("ms.nav.label")}>
        <ul>
          {allowed.map((id) => (
            <li key={id}>
              <a
                href={`#/${SLUGS[id]}`}
                aria-current={id === page ? "page" : undefined}
                onClick={(event) => go(event, id)}
              >
                {t(`ms.nav.${id}` as MessageKey)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class="main" tabIndex={-1}>
        <Page page={page} api={api} role={who.role} tenantId={who.tenantId} />
      </main>
    </div>
  );
}

function Page({ page, api, role, tenantId }: { page: PageId; api: Api; role: Role; tenantId: string | null }) {
  const editable = role === "admin";
  switch (page) {
    case "overview":
      return role === "finance" ? <FinanceOverviewPage api={api} tenantId={tenantId} /> : <OverviewPage api={api} />;
    case "numbers":
      return <CommonNumbersPage api={api} editable={editable} />;
    case "offices":
      return <OfficesPage api={api} editable={editable} />;
    case "people":
      return <PeoplePage api={api} editable={editable} />;
    case "messages":
      return <MessagesPage api={api} editable={editable} />;
    case "import":
      return <ImportPage api={api} />;
    case "billing":
      return <BillingPage api={api} finance={role === "finance"} tenantId={tenantId} />;
    case "statistics":
      return <StatisticsPage api={api} finance={role === "finance"} tenantId={tenantId} />;
    case "callLog":
      return <CallLogPage api={api} finance={role === "finance"} tenantId={tenantId} />;
    case "calendar":
      return <CalendarPage api={api} />;
    case "audit":
      return <AuditPage api={api} />;
  }
}
