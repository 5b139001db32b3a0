import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Api, ApiFailure } from "../api/client";
import { t } from "../i18n/catalogue";
import { type PersonMatch, searchDirectory } from "./api";
import { failureText } from "./failure";
import { referralDetail } from "./referral";
import { SearchList } from "./SearchList";

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
  const { text, alert } = searchStatus(tenantId, state);

  return (
    <SearchList
      name="directory"
      optionId="hit"
      texts="search"
      regionClass="search"
      inputRef={inputRef}
      disabled={!tenantId}
      query={query}
      onQuery={(text) => {
        openWhenReady.current = false;
        typedAt.current = performance.now();
        setQuery(text);
      }}
      onFocus={onFocus}
      status={text}
      failed={alert}
      hits={matches}
      keyOf={(match) => match.person.person_id}
      hitClass={(match) => (match.person.person_id === selectedId ? " hit--open" : "")}
      active={active}
      setActive={setActive}
      onEnter={(match) => {
        if (state.kind === "searching") openWhenReady.current = true;
        else if (match) onOpen(match);
      }}
      onPick={(match, index) => {
        setActive(index);
        onOpen(match);
      }}
    >
      {(match) => (
        <>
          <span class="hit__name">{match.name}</span>
          <span class="hit__org">
            {match.person.department} · {match.person.title}
          </span>
          <span class={`hit__status${match.referral ? " hit__status--away" : ""}`}>
            {match.referral ? match.referral.text : t("person.available")}
          </span>
          {match.referral && <span class="hit__detail">{referralDetail(match.referral)}</span>}
        </>
      )}
    </SearchList>
  );
}

/** The status line under the search box: why there is nothing to search, or what the search found. */
function searchStatus(tenantId: string | null, state: SearchState): { text: string; alert: boolean } {
  if (!tenantId) return { text: t("search.noCustomer"), alert: false };
  if (state.kind === "searching") return { text: t("search.searching"), alert: false };
  if (state.kind === "failed") return { text: failureText(state.failure, "search"), alert: true };
  if (state.kind !== "done") return { text: "", alert: false };
  const count = state.matches.length;
  const text = count === 0 ? t("search.noHits", { query: state.query }) : count === 1 ? t("search.oneHit") : t("search.hits", { count });
  return { text, alert: false };
}
