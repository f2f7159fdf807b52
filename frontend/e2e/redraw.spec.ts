import { expect, test } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { shot } from "./helpers";

// The imputation studio redraws the series each epoch; this times the same component on 10,000 points.
test("redrawing a 10,000-point series with new imputed values takes under 50 ms", async ({ page }, testInfo) => {
  await page.goto("/lab/redraw");
  const result = page.getByTestId("redraw-result");
  await expect(result).toHaveAttribute("data-done", "true", { timeout: 60_000 });
  const median = Number(await result.getAttribute("data-median"));
  const max = Number(await result.getAttribute("data-max"));
  const count = Number(await result.getAttribute("data-count"));
  const points = await page.evaluate(() => window.__insightRedraws?.at(-1)?.points);
  console.log(`[redraw] ${points} points, ${count} redraws: median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  writeFileSync(testInfo.outputPath("redraw.json"), JSON.stringify({ points, count, median_ms: median, max_ms: max }, null, 2));
  await shot(page, testInfo, "redraw");
  expect(points).toBe(10_000);
  expect(count).toBeGreaterThanOrEqual(20);
  expect(median).toBeLessThan(50);
});
