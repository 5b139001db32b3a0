import type { RefObject } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api/client";
import { t } from "../i18n/catalogue";
import { type Customer, listCustomers } from "./api";
import { failureText } from "./failure";
import { displayNumber } from "./format";
import { SearchList } from "./SearchList";

const SHOWN = 8;

interface Props {
  api: Api;
  inputRef: RefObject<HTMLInputElement>;
  onChoose: (customer: Customer) => void;
}

/** A fallback call: the operator asks which company the caller wants and picks it (type, ↑ ↓, Enter). */
export function CustomerPicker({ api, inputRef, onChoose }: Props) {
  const [customers, setCustomers] = useState<Customer[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);

  useEffect(() => {
    listCustomers(api).then((result) => {
      if (result.ok) setCustomers(result.data);
      else setFailed(failureText(result.failure, "other"));
    });
  }, [api]);

  const shown = customers ? matching(customers, query).slice(0, SHOWN) : [];
  let status = t("customer.loading");
  if (failed) status = t("customer.failed", { detail: failed });
  else if (customers && !shown.length) status = t("customer.none", { query });
  else if (customers) status = t("customer.count", { count: shown.length });

  return (
    <SearchList
      name="customer"
      optionId="customer"
      texts="customer"
      regionClass="search customers"
      inputRef={inputRef}
      query={query}
      onQuery={(text) => {
        setActive(0);
        setQuery(text);
      }}
      status={status}
      failed={failed !== null}
      hits={shown}
      keyOf={(customer) => customer.tenant_id}
      active={active}
      setActive={setActive}
      onEnter={(chosen) => chosen && onChoose(chosen)}
      onPick={onChoose}
    >
      {(customer) => (
        <>
          <span class="hit__name">{customer.name}</span>
          <span class="hit__org">
            {customer.numbers.map((n) => `${n.common_number_name} ${displayNumber(n.phone_number)}`).join(" · ")}
          </span>
        </>
      )}
    </SearchList>
  );
}

/** Customers whose name, id or a number holds every word typed (case and accents ignored; digits for numbers). */
export function matching(customers: Customer[], query: string): Customer[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return customers;
  return customers.filter((customer) => {
    const text = fold(
      [customer.name, customer.tenant_id, ...customer.numbers.flatMap((n) => [n.common_number_name, n.phone_number, displayNumber(n.phone_number)])].join(" "),
    );
    const digits = text.replace(/[^0-9 ]/g, "").replace(/ /g, "");
    return words.every((word) => text.includes(word) || (/^[0-9-]+$/.test(word) && digits.includes(word.replace(/-/g, ""))));
  });
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}
