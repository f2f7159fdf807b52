import { expect, test, type Page } from "@playwright/test";
import { signUp, uniqueUser, upload } from "./helpers";

// Markup in a file name, column names, cell values and chart titles is shown as text everywhere the SPA shows it.
const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=1</script>";
const COL_A = `n${IMG}`; // quantitative
const COL_B = SCRIPT; // quantitative
const COL_C = `k${IMG}`; // categories whose values are markup too
// The server keeps only the last path segment of a file name, so the <script> payload (it has a "/") goes in the
// columns and titles; the file name carries the <img> one.
const FILENAME = `${IMG}.csv`;

function xssCsv(): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const lines = [[COL_A, COL_B, COL_C].map(quote).join(",")];
  for (let i = 0; i < 24; i++) lines.push([1 + (i % 7), 2 + ((i * 5) % 11), quote(i % 2 ? IMG : SCRIPT)].join(","));
  return lines.join("\n") + "\n";
}

/** Nothing from the data became an element or ran: no <img>, no inline script with the payload, __xss unset. */
async function expectInert(page: Page) {
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(await page.locator("img").count()).toBe(0);
  expect(await page.evaluate(() => [...document.scripts].filter((s) => s.text.includes("__xss")).length)).toBe(0);
}

test("markup in a file name, column names, values and chart titles is shown as text, never run", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("dialog", (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await signUp(page, uniqueUser("xss"));
  const datasetId = await upload(page, FILENAME, xssCsv());

  // Dataset page: the title, the column list and the preview table.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(FILENAME);
  const columns = page.getByRole("table", { name: "Columns" });
  for (const name of [COL_A, COL_B, COL_C]) await expect(columns.getByText(name, { exact: true })).toBeVisible();
  const preview = page.getByRole("region", { name: `Rows of ${FILENAME}` });
  await expect(preview.getByText(SCRIPT, { exact: true }).first()).toBeVisible();
  await expectInert(page);

  // Datasets list.
  await page.goto("/datasets");
  await expect(page.getByRole("list", { name: "Uploaded datasets" }).locator(".dataset-name")).toHaveText([FILENAME]);
  await expectInert(page);

  // Recommendations: titles (explanations name the columns), axes, legends.
  await page.goto(`/datasets/${datasetId}/charts`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Charts for ${FILENAME}`);
  await page.getByRole("button", { name: /Recommend charts/ }).click();
  const cards = page.getByTestId("recommendation-card");
  await expect(cards.first()).toBeVisible({ timeout: 120_000 });
  const count = await cards.count();
  await expect(page.locator(".vega-target[data-state='ready']")).toHaveCount(count + 1, { timeout: 60_000 });
  const titles = await cards.getByRole("heading", { level: 4 }).allTextContents();
  expect(titles.some((t) => t.includes(IMG) || t.includes(SCRIPT))).toBe(true);
  // Axis titles and labels are SVG text.
  const svgText = await page.locator(".vega-target svg text").allTextContents();
  expect(svgText.some((t) => t.includes("<img") || t.includes("<script>"))).toBe(true);
  await expectInert(page);

  // Save the first recommendation (its explanation is the title).
  const first = cards.first();
  const recTitle = (await first.getByRole("heading", { level: 4 }).textContent())!;
  await first.getByRole("button", { name: "Save" }).click();
  await expect(first.getByText("Saved to your gallery.")).toBeVisible();

  // The builder: a scatter of the two markup-named numbers, colored by the markup category; hover a point for the
  // tooltip, which must show field names and values as text.
  const builder = page.getByRole("region", { name: "Make a chart" });
  await builder.getByLabel("Mark", { exact: true }).selectOption("point");
  await builder.getByLabel("X", { exact: true }).selectOption(COL_A);
  await builder.getByLabel("Y", { exact: true }).selectOption(COL_B);
  await builder.getByLabel("Color", { exact: true }).selectOption(COL_C);
  await expect(builder.locator(".vega-target[data-state='ready'] svg")).toBeVisible();
  const point = builder.locator(".vega-target svg .mark-symbol path").first();
  await point.hover({ force: true });
  const tooltip = page.locator("#insight-chart-tooltip");
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText(COL_A);
  await expect(tooltip).toContainText(COL_B);
  expect(await tooltip.locator("img, script").count()).toBe(0);
  await expectInert(page);
  await builder.getByRole("button", { name: "Save chart" }).click();
  await expect(builder.getByText(/Saved .* to your gallery/)).toBeVisible();

  // Gallery: both titles as text; rename one to both payloads.
  await page.getByRole("link", { name: "Saved charts" }).click();
  const gallery = page.getByTestId("gallery-card");
  await expect(gallery).toHaveCount(2);
  await expect(page.getByRole("heading", { name: recTitle, exact: true })).toBeVisible();
  await expect(gallery.locator(".vega-target[data-state='ready']")).toHaveCount(2, { timeout: 60_000 });
  const index = (await gallery.locator("h3").allTextContents()).indexOf(recTitle);
  expect(index).toBeGreaterThanOrEqual(0);
  const card = gallery.nth(index); // by position: while renaming, the card shows a form instead of its title
  await card.getByRole("button", { name: /^Rename/ }).click();
  await card.getByLabel("New title").fill(`${IMG} ${SCRIPT}`);
  await card.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("heading", { name: `${IMG} ${SCRIPT}`, exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: `${IMG} ${SCRIPT}`, exact: true })).toBeVisible();
  await expect(gallery.locator(".vega-target[data-state='ready']")).toHaveCount(2, { timeout: 60_000 });
  // Enlarge: the dialog's title too.
  const renamed = gallery.filter({ has: page.getByRole("heading", { name: `${IMG} ${SCRIPT}`, exact: true }) });
  await renamed.getByRole("button", { name: "Enlarge" }).click();
  await expect(page.getByRole("dialog").getByRole("heading", { name: `${IMG} ${SCRIPT}` })).toBeVisible();
  await page.keyboard.press("Escape");
  await expectInert(page);

  expect(errors).toEqual([]);
});
