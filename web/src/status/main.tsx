import { render } from "preact";
import { createApi } from "../api/client";
import { mount } from "../components/mount";
import { Shell, SignIn, StatusPage } from "./App";
import "./status.css";

// The session lives in memory only: a reload asks for a new link (nothing stored on the phone).
let session: string | null = null;

async function start(root: HTMLElement): Promise<void> {
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  const config = (await response.json()) as { api_url?: string };
  const api = createApi(config.api_url ?? "", () => (session ? `Bearer ${session}` : null));
  const token = new URLSearchParams(window.location.hash.slice(1)).get("t");
  // The link's token leaves the address bar (and the history) at once: it is single use anyway.
  if (token) history.replaceState(null, "", window.location.pathname);
  const signOut = () => {
    session = null;
    show(false);
  };
  const show = (expired: boolean) =>
    render(
      <Shell>
        <SignIn api={api} expired={expired} />
      </Shell>,
      root,
    );
  if (!token) return show(false);
  const { data } = await api.POST("/employee/session", { body: { token } });
  if (!data) return show(true);
  session = data.session;
  render(
    <Shell>
      <StatusPage api={api} initial={data.status} onSignOut={signOut} />
    </Shell>,
    root,
  );
}

mount(start);
