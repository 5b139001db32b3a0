/// <reference types="vitest/config" />
// One toolchain for both front-ends: one HTML entry per front-end, shared src/ (API client,
// message catalogue, components). `npm run build` regenerates the API types from
// docs/openapi.json and type-checks first, so an API change that breaks a page fails the build.
import { resolve } from "node:path";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [preact()],
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
