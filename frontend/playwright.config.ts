import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// End-to-end: Debian's Chromium (never a downloaded browser) against the real backend on the embedded store,
// serving the built SPA (run `npm run build` first; `make e2e` does). A fresh DATA_DIR per run.
const PORT = Number(process.env.E2E_PORT ?? 5179);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const DATA_DIR = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "insight-e2e-"));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    headless: true,
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // The server's log goes to frontend/e2e-backend.log (gitignored) to keep the test output readable.
    command: ".venv/bin/python -m backend 2> frontend/e2e-backend.log",
    cwd: REPO_ROOT,
    url: `${BASE_URL}/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "ignore",
    env: {
      DATA_DIR,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      FRONTEND_DIST: "frontend/dist",
      LOG_LEVEL: "WARNING",
      MAX_JOBS_PER_USER: "4",
    },
  },
});
