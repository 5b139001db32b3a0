/// <reference types="vitest/config" />
// One toolchain for both front-ends: one HTML entry per front-end, shared src/ (API client,
// message catalogue, components). `npm run build` regenerates the API types from
// docs/openapi.json and type-checks first, so an API change that breaks a page fails the build.
import { resolve } from "node:path";
import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";

/** What every HTML entry shares, written once: the head's charset and viewport, and the #app element
 * each front-end renders into (components/mount.tsx). Each entry holds only its title and script. */
function sharedPage(): Plugin {
  return {
    name: "telefonist-shared-page",
    transformIndexHtml: () => [
      { tag: "meta", attrs: { charset: "utf-8" }, injectTo: "head-prepend" },
      { tag: "meta", attrs: { name: "viewport", content: "width=device-width, initial-scale=1" }, injectTo: "head-prepend" },
      { tag: "div", attrs: { id: "app" }, injectTo: "body" },
    ],
  };
}

export default defineConfig({
  plugins: [preact(), sharedPage()],
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // One entry per front-end.
    rollupOptions: {
      input: {
        operator: resolve(import.meta.dirname, "operator.html"),
        "mina-sidor": resolve(import.meta.dirname, "mina-sidor.html"),
        status: resolve(import.meta.dirname, "status.html"),
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
