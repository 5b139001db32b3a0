/** The keys of a list under a search box: ↑ ↓ move through `count` options (wrapping), Enter picks. */
export function onListKey(
  event: KeyboardEvent,
  count: number,
  setActive: (move: (index: number) => number) => void,
  onEnter: () => void,
): void {
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (!count) return;
    const step = event.key === "ArrowDown" ? 1 : -1;
    setActive((index) => (index + step + count) % count);
  } else if (event.key === "Enter") {
    event.preventDefault();
    onEnter();
  }
}
