// Hands a file the page holds (a month's CSV, a person's data) to the browser as a download.

/** Saves `file` as `name`: a link clicked in the document, its object URL freed a second later. */
export function saveFile(file: Blob, name: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(file);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
