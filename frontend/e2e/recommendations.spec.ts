import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { apiGet, macroCsv, signUp, tipsCsv, uniqueUser, upload } from "./helpers";

// Recommendations as a person sees them, on a time series and on a table with categories. Full-page screenshots
// go to e2e/screenshots/ (gitignored) to be looked at.
const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const INTENT_ORDER = ["trend", "relationship", "distribution", "comparison", "composition"];

interface Rec {
  explanation: string;
  intent: string;
}

async function save(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function recommend(page: Page, testInfo: TestInfo, file: string, csv: string): Promise<Rec[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));

  await signUp(page, uniqueUser("recs"));
  const datasetId = await upload(page, file, csv);
  await page.getByRole("link", { name: "Recommend charts" }).click();
  await page.getByRole("button", { name: /Recommend charts/ }).click();

  const cards = page.getByTestId("recommendation-card");
  await expect(cards.first()).toBeVisible({ timeout: 120_000 });
  const count = await cards.count();
  expect(count).toBeGreaterThanOrEqual(5);
  // Every chart drawn, none failed (the builder's preview too).
  await expect(page.locator(".vega-target[data-state='ready']")).toHaveCount(count + 1, { timeout: 60_000 });
  await expect(page.locator(".vega-target[data-state='error']")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Recommendations" }).getByRole("alert")).toHaveCount(0);

  await save(page, testInfo, `${file.replace(/\.csv$/, "")}-desktop`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500); // charts resize on the next frame
  const phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  await save(page, testInfo, `${file.replace(/\.csv$/, "")}-phone`);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.waitForTimeout(500);
  expect(phoneWidth).toBeLessThanOrEqual(390);

  const { items } = await apiGet<{ items: Rec[] }>(page, `/api/v1/datasets/${datasetId}/recommendations`);
  expect(items).toHaveLength(count);
  // Each card is titled by its explanation and badged with its intent; groups in order, ranks ascending inside.
  const seen: { rank: number; intent: string }[] = [];
  for (let i = 0; i < count; i++) {
    const card = cards.nth(i);
    const rank = Number(await card.getAttribute("data-rank"));
    const item = items[rank - 1];
    await expect(card.getByRole("heading", { level: 4 })).toHaveText(item.explanation);
    await expect(card).toHaveAttribute("data-intent", item.intent);
    await expect(card).toHaveAccessibleName(item.explanation);
    // Large enough to read: the drawing fills a card of at least ~420 px.
    const box = await card.locator(".vega-target svg").boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(380);
    expect(box!.height).toBeGreaterThanOrEqual(100);
    seen.push({ rank, intent: item.intent });
  }
  const groupOrder = await page.getByTestId("recommendation-group").evaluateAll((groups) => groups.map((g) => g.getAttribute("data-intent")));
  expect(groupOrder).toEqual(INTENT_ORDER.filter((intent) => items.some((item) => item.intent === intent)));
  for (const intent of groupOrder) {
    const ranks = seen.filter((s) => s.intent === intent).map((s) => s.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  }

  // Keyboard: a group link moves to its group; Save is reached and pressed from the keyboard, and its description
  // (for screen readers) is the card's title.
  const groupLinks = page.getByRole("navigation", { name: "Chart groups" }).getByRole("link");
  if ((await groupLinks.count()) > 0) {
    await groupLinks.last().focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#charts-/);
  }
  const firstCard = cards.first();
  const firstItem = items[Number(await firstCard.getAttribute("data-rank")) - 1];
  const saveButton = firstCard.getByRole("button", { name: "Save" });
  await expect(saveButton).toHaveAccessibleDescription(firstItem.explanation);
  await saveButton.focus();
  await page.keyboard.press("Enter");
  await expect(firstCard.getByText("Saved to your gallery.")).toBeVisible();

  // The builder starts from the top recommendation.
  await expect(page.getByTestId("builder-start")).toContainText(items[0].explanation);


  if (problems.length) console.log(`[${file}] console:\n  ${problems.join("\n  ")}`);
  // The page first asks for the last recommendations, which answers 404 before any were made.
  expect(problems.filter((p) => !p.startsWith("warning") && !/status of 404/.test(p))).toEqual([]);
  return items;
}

test("a quarterly time series: trends come first, every chart drawn and titled by its explanation", async ({ page }, testInfo) => {
  const items = await recommend(page, testInfo, "macro_quarterly.csv", macroCsv(40));
  await expect(page.getByTestId("recommendation-group").first()).toHaveAttribute("data-intent", "trend");
  console.log(`[macro] ${items.map((i) => `${i.intent}: ${i.explanation}`).join("\n        ")}`);
});

test("a table with categories: grouped by intent, every chart drawn and titled by its explanation", async ({ page }, testInfo) => {
  const items = await recommend(page, testInfo, "tips.csv", tipsCsv(200));
  console.log(`[tips] ${items.map((i) => `${i.intent}: ${i.explanation}`).join("\n       ")}`);
});
