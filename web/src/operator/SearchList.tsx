// The operator's search boxes (the directory; a fallback call's customer): a combobox over a listbox
// of hits with a live status line; ↑ ↓ move through the hits (wrapping), Enter picks the active one,
// a click picks the one clicked.
import type { ComponentChildren, RefObject } from "preact";
import { t } from "../i18n/catalogue";
import { onListKey } from "./listKeys";

interface Props<T> {
  /** Ids: the box `${name}-search`, the list `${name}-hits`, the hits `${optionId}-${index}`. */
  name: string;
  optionId: string;
  /** The catalogue's texts of the box: `${texts}.region`, `.label`, `.placeholder`, `.results`. */
  texts: "customer" | "search";
  regionClass: string;
  inputRef: RefObject<HTMLInputElement>;
  disabled?: boolean;
  query: string;
  onQuery: (query: string) => void;
  onFocus?: () => void;
  /** The status line; a failure is an alert, anything else a polite status. */
  status: string;
  failed: boolean;
  hits: T[];
  keyOf: (hit: T) => string;
  /** Classes of a hit beside `hit` and `hit--active`. */
  hitClass?: (hit: T) => string;
  active: number;
  setActive: (move: (index: number) => number) => void;
  /** Enter: the active hit (undefined while there is none). */
  onEnter: (hit: T | undefined) => void;
  onPick: (hit: T, index: number) => void;
  children: (hit: T) => ComponentChildren;
}

export function SearchList<T>(props: Props<T>) {
  const { name, optionId, texts, hits, active } = props;
  return (
    <section class={props.regionClass} aria-label={t(`${texts}.region`)}>
      <label for={`${name}-search`} class="search__label">
        {t(`${texts}.label`)}
      </label>
      <input
        id={`${name}-search`}
        ref={props.inputRef}
        class="search__input"
        type="search"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        placeholder={t(`${texts}.placeholder`)}
        aria-expanded={hits.length > 0}
        aria-controls={`${name}-hits`}
        aria-activedescendant={hits.length ? `${optionId}-${active}` : undefined}
        disabled={props.disabled}
        value={props.query}
        onInput={(event) => props.onQuery(event.currentTarget.value)}
        onKeyDown={(event) =>
          onListKey(event, hits.length, props.setActive, () => props.onEnter(hits[Math.min(active, hits.length - 1)]))
        }
        onFocus={props.onFocus}
      />
      <p class={`search__status${props.failed ? " search__status--failed" : ""}`} role={props.failed ? "alert" : "status"}>
        {props.status}
      </p>
      <ul id={`${name}-hits`} class="hits" role="listbox" aria-label={t(`${texts}.results`)}>
        {hits.map((hit, index) => (
          <li
            key={props.keyOf(hit)}
            id={`${optionId}-${index}`}
            role="option"
            aria-selected={index === active}
            class={`hit${index === active ? " hit--active" : ""}${props.hitClass?.(hit) ?? ""}`}
            onClick={() => props.onPick(hit, index)}
          >
            {props.children(hit)}
          </li>
        ))}
      </ul>
    </section>
  );
}
