// ESLint for the SPA: TypeScript's recommended rules and React's hooks rules, run by `npm run lint` with
// --max-warnings 0 (a warning fails the check like an error does).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores(["dist", "node_modules", "test-results", "src/api/schema.d.ts"]),
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser },
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      // useAsync takes its dependency list like useEffect does: check the loader passed to it against that list.
      "react-hooks/exhaustive-deps": ["error", { additionalHooks: "^useAsync$" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Node-side files: build scripts, Vite / Playwright configs and the end-to-end specs' helpers.
    files: ["scripts/**", "*.config.{js,ts}", "e2e/**"],
    languageOptions: { globals: { ...globals.node } },
  },
]);
