import { useEffect, useRef } from "preact/hooks";
import { type MessageKey, t } from "../i18n/catalogue";

const KEYS: [string, MessageKey][] = [
  ["a–ö", "keys.typing"],
  ["↑ ↓", "keys.arrows"],
  ["Enter", "keys.enter"],
  ["K", "keys.k"],
  ["R", "keys.r"],
  ["M", "keys.m"],
  ["B", "keys.b"],
  ["Esc", "keys.esc"],
  ["?", "keys.help"],
];

/** The keyboard map, as a modal dialog (Esc or the button closes it). */
export function KeyboardHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="keys" aria-labelledby="keys-title" onClose={onClose}>
      <h2 id="keys-title">{t("keys.title")}</h2>
      <table>
        <tbody>
          {KEYS.map(([key, text]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>{key}</kbd>
              </th>
              <td>{t(text)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onClose}>
        {t("keys.close")}
      </button>
    </dialog>
  );
}
