#!/usr/bin/env node
// Prints the gzipped JavaScript each route loads before any dynamic import (entry + the route's page chunk and
// their static imports), and the lazily loaded chunks (vega). Fails when a route's initial JS exceeds the budget.
// Usage: node scripts/bundle-size.mjs [--json out.json]   (after `vite build`; reads dist/.vite/manifest.json)
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const DIST = new URL("../dist/", import.meta.url).pathname;
const BUDGET_KB = 300;
const manifest = JSON.parse(readFileSync(join(DIST, ".vite/manifest.json"), "utf8"));
const gzipKb = (file) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length / 1024;

/** Every chunk key `key` loads statically (itself included). */
function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key].imports ?? []) staticClosure(dep, seen);
  return seen;
}
const jsKb = (keys) => [...keys].filter((k) => manifest[k].file.endsWith(".js")).reduce((sum, k) => sum + gzipKb(manifest[k].file), 0);

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = staticClosure(entryKey);
const rows = [["entry (index.html)", jsKb(entry)]];
for (const key of manifest[entryKey].dynamicImports ?? []) {
  if (!/pages\//.test(key)) continue;
  const keys = staticClosure(key, new Set(entry));
  rows.push([`entry + ${key.replace(/^src\/pages\//, "").replace(/\.tsx$/, "")}`, jsKb(keys)]);
}
const lazy = Object.keys(manifest)
  .filter((k) => manifest[k].isDynamicEntry && !/pages\//.test(k))
  .map((k) => [`lazy: ${k.replace(/^.*node_modules\//, "")}`, jsKb(staticClosure(k, new Set(entry))) - jsKb(entry)]);

const width = Math.max(...[...rows, ...lazy].map(([name]) => name.length));
console.log("\nJavaScript per route, gzipped (level 9):");
for (const [name, kb] of [...rows, ...lazy]) console.log(`  ${name.padEnd(width)}  ${kb.toFixed(1).padStart(7)} KB`);
const worst = Math.max(...rows.map(([, kb]) => kb));
console.log(`Largest initial route: ${worst.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)\n`);
const out = process.argv.indexOf("--json");
if (out !== -1) writeFileSync(process.argv[out + 1], JSON.stringify({ routes: Object.fromEntries(rows), lazy: Object.fromEntries(lazy), budget_kb: BUDGET_KB }, null, 2));
if (worst > BUDGET_KB) {
  console.error(`Initial route JavaScript ${worst.toFixed(1)} KB is over the ${BUDGET_KB} KB budget.`);
  process.exit(1);
}
