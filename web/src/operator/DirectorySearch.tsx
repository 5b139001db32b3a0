import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Api, ApiFailure } from "../api/client";
import { t } from "../i18n/catalogue";
import { type PersonMatch, searchDirectory } from "./api";
import { failureText } from "./failure";
import { onListKey } from "./listKeys";
import { referralDetail } from "./referral";

type SearchState =
  | { kind: "idle" }
  | { kind: "searching"; matches: PersonMatch[] }
  | { kind: "done"; query: string; matches: PersonMatch[] }
  | { kind: "failed"; failure: ApiFailure };

interface Props {
  api: Api;
  tenantId: string | null;
  inputRef: RefObject<HTMLInputElement>;
  selectedId: string | null;
  onOpen: (match: PersonMatch) => void;
  /** The operator went back to the search box (by mouse or Tab). */
  onFocus: () => void;
}

/** Search as you type: the box has focus when the contact connects; ↑ ↓ move, Enter opens the card. */
export function DirectorySearch({ api, tenantId, inputRef, selectedId, onOpen, onFocus }: Props) {
  const [query, setQuery] = useState("");
  const [state, setState] = useState<SearchState>({ kind: "idle" });
  const [active, setActive] = useState(0);
  // Enter pressed before the results arrive opens the first hit when they do.
  const openWhenReady = useRef(false);
  // User Timing for the benchmark and the browser's performance tools: keystroke → results shown.
  const typedAt = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (state.kind !== "done" || typedAt.current === null) return;
    performance.measure("telefonist:keystroke-to-results", { start: typedAt.current, end: performance.now() });
    typedAt.current = null;
  }, [state]);

  useEffect(() => {
    const text = query.trim();
    if (!tenantId || !text) {
      setState({ kind: "idle" });
      return undefined;
    }
    const controller = new AbortController();
    setState((previous) => ({ kind: "searching", matches: "matches" in previous ? previous.matches : [] }));
    searchDirectory(api, tenantId, text, controller.signal)
      .then((result) => {
        if (controller.signal.aborted) return;
        setActive(0);
        setState(result.ok ? { kind: "done", query: text, matches: result.data.matches } : { kind: "failed", failure: result.failure });
        const first = result.ok ? result.data.matches[0] : undefined;
        if (openWhenReady.current && first) onOpen(first);
        openWhenReady.current = false;
      })
      .catch(() => undefined); // aborted by the next keystroke
    return () => controller.abort();
  }, [api, tenantId, query]);

  const matches = "matches" in state ? state.matches : [];
  const onKeyDown = (event: KeyboardEvent) =>
    onListKey(event, matches.length, setActive, () => {
      const match = matches[Math.min(active, matches.length - 1)];
      if (state.kind === "searching") openWhenReady.current = true;
      else if (match) onOpen(match);
    });

  return (
    <section class="search" aria-label={t("search.region")}>
      <label for="directory-search" class="search__label">
        {t("search.label")}
      </label>
      <input
        id="directory-search"
        ref={inputRef}
        class="search__input"
        type="search"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        placeholder={t("search.placeholder")}
        aria-expanded={matches.length > 0}
        aria-controls="directory-hits"
        aria-activedescendant={matches.length ? `hit-${active}` : undefined}
        disabled={!tenantId}
        value={query}
        onInput={(event) => {
          openWhenReady.current = false;
          typedAt.current = performance.now();
          setQuery(event.currentTarget.value);
        }}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      />
      <SearchStatus tenantId={tenantId} state={state} />
      <ul id="directory-hits" class="hits" role="listbox" aria-label={t("search.results")}>
        {matches.map((match, index) => (
          <li
            key={match.person.person_id}
            id={`hit-${index}`}
            role="option"
            aria-selected={index === active}
            class={`hit${index === active ? " hit--active" : ""}${match.person.person_id === selectedId ? " hit--open" : ""}`}
            onClick={() => {
              setActive(index);
              onOpen(match);
            }}
          >
            <span class="hit__name">{match.name}</span>
            <span class="hit__org">
              {match.person.department} · {match.person.title}
            </span>
            <span class={`hit__status${match.referral ? " hit__status--away" : ""}`}>
              {match.referral ? match.referral.text : t("person.available")}
            </span>
            {match.referral && <span class="hit__detail">{referralDetail(match.referral)}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SearchStatus({ tenantId, state }: { tenantId: string | null; state: SearchState }) {
  let text = "";
  let alert = false;
  if (!tenantId) text = t("search.noCustomer");
  else if (state.kind === "searching") text = t("search.searching");
  else if (state.kind === "failed") {
    text = failureText(state.failure, "search");
    alert = true;
  } else if (state.kind === "done") {
    const count = state.matches.length;
    text = count === 0 ? t("search.noHits", { query: state.query }) : count === 1 ? t("search.oneHit") : t("search.hits", { count });
  }
  return (
    <p class={`search__status${alert ? " search__status--failed" : ""}`} role={alert ? "alert" : "status"}>
      {text}
    </p>
  );
}
