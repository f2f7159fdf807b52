/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Dev: the API runs on Flask (python -m backend, port 5000); the dev server proxies /api to it.
const API_TARGET = process.env.API_TARGET ?? "http://127.0.0.1:5000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { "/api": { target: API_TARGET, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    sourcemap: false,
    // scripts/bundle-size.mjs reads the manifest to sum what each route loads.
    manifest: true,
    // vega (lazy chunk) is large by nature; the budget we care about is the initial route, checked by scripts/bundle-size.mjs.
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
