// Generates src/api/schema.d.ts from ../docs/openapi.json (the API's contract, checked in).
//
// Only what the paths reach is typed: component schemas no operation refers to (directly or
// through other schemas) are left out before generation. A dangling $ref that an operation
// does reach still fails here, so a broken contract still fails `npm run build`.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
// An optional argument names another document (to try an API change before it is checked in).
const source = process.argv[2] ? resolve(process.argv[2]) : resolve(here, "../../docs/openapi.json");
const target = resolve(here, "../src/api/schema.d.ts");
const PREFIX = "#/components/schemas/";

function refsIn(node, found = new Set()) {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(PREFIX)) found.add(value.slice(PREFIX.length));
      else refsIn(value, found);
    }
  }
  return found;
}

export function reachable(document) {
  const schemas = document.components?.schemas ?? {};
  const seen = new Set();
  const queue = [...refsIn(document.paths ?? {})];
  while (queue.length) {
    const name = queue.pop();
    if (seen.has(name)) continue;
    seen.add(name);
    if (!(name in schemas)) throw new Error(`docs/openapi.json: $ref to missing schema ${PREFIX}${name}`);
    queue.push(...refsIn(schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => seen.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } };
}

const document = JSON.parse(await readFile(source, "utf8"));
const ast = await openapiTS(reachable(document), { exportType: true });
const banner = "// GENERATED from docs/openapi.json by scripts/generate-api.mjs: do not edit.\n";
await writeFile(target, banner + astToString(ast));
console.log(`wrote ${target}`);
