import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { carsCsv, shot, signUp, uniqueUser, upload } from "./helpers";

// Issue 18 in the browser: the dataset profile, a report built from two saved charts, text and the profile,
// exported as HTML and PDF, shared by link, opened logged out, revoked. Screenshots at desktop and phone width go to
// test-results/ (attached to the test) and to /tmp/c2shots/ to be looked at.
const SHOTS = process.env.REPORT_SHOTS_DIR ?? "/tmp/c2shots";
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 860 };

async function screenshots(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await shot(page, testInfo, `${name}-desktop`);
  await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300); // charts and frames resize on the next frame
  await shot(page, testInfo, `${name}-phone`);
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  const frame = page.getByTestId("report-frame");
  if (await frame.count()) {
    // The preview frame at phone width, in view (a full-page shot may leave a frame far below unpainted).
    await frame.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/${name}-phone-frame.png` });
  }
  // No sideways scrolling at phone width (the widest elements are named when there is).
  const overflow = await page.evaluate((width) => {
    const wide = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > width + 1);
    return wide.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`);
  }, PHONE.width);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), overflow.join(", ")).toBeLessThanOrEqual(PHONE.width);
  await page.setViewportSize(DESKTOP);
}

/** The export fetched in the page with the user's token: its content type and bytes. */
async function fetchExport(page: Page, path: string): Promise<{ type: string; bytes: number[] }> {
  return page.evaluate(async (url) => {
    const token = localStorage.getItem("insight.token");
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    return { type: response.headers.get("Content-Type") ?? "", bytes: Array.from(new Uint8Array(await response.arrayBuffer())) };
  }, path);
}

const blockLabels = (page: Page) => page.getByTestId("report-block").locator(".report-block-label");

test("profile, a report from two saved charts with text, HTML and PDF export, a share link opened logged out and revoked", async ({
  page,
  browser,
}, testInfo) => {
  // Page errors and Content-Security-Policy refusals (the preview frame inherits the app's policy) fail the test.
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    p.on("console", (message) => {
      if (/Content Security Policy|Refused to|Blocked script/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  };
  watch(page);

  await signUp(page, uniqueUser("reports"));
  const datasetId = await upload(page, "cars.csv", carsCsv(120));

  // The dataset page shows the profile: a histogram for a number, top values for a category, the time range.
  const profiles = page.getByRole("list", { name: "Column profiles" });
  await expect(profiles.getByRole("listitem", { name: "Horsepower" }).getByRole("img", { name: "Histogram of Horsepower" })).toBeVisible();
  await expect(profiles.getByRole("listitem", { name: "Origin" }).getByRole("list", { name: "Most frequent values of Origin" })).toContainText("USA");
  await expect(profiles.getByRole("listitem", { name: "Horsepower" })).toContainText("missing");
  await expect(page.getByTestId("profile-scope")).toContainText("120 rows");
  await screenshots(page, testInfo, "01-dataset-profile");

  // Recommend and save the first chart to the gallery.
  await page.getByRole("link", { name: "Recommend charts" }).click();
  await page.getByLabel("Charts (k)").fill("4");
  await page.getByRole("button", { name: /Recommend charts/ }).click();
  const cards = page.getByTestId("recommendation-card");
  await expect(cards.nth(1)).toBeVisible({ timeout: 120_000 });
  const firstTitle = (await cards.nth(0).locator(".rec-title").textContent())!.trim();
  const secondTitle = (await cards.nth(1).locator(".rec-title").textContent())!.trim();
  await cards.nth(0).getByRole("button", { name: "Save", exact: true }).click();
  await expect(cards.nth(0).getByText("Saved to your gallery.")).toBeVisible();

  // A new report from the dataset page opens the editor; rename it.
  await page.goto(`/datasets/${datasetId}`);
  await page.getByRole("button", { name: "New report" }).click();
  await expect(page).toHaveURL(/\/reports\/[^/]+$/);
  const reportId = page.url().split("/reports/")[1];
  await expect(page.getByRole("heading", { name: "Report on cars.csv", level: 1 })).toBeVisible();
  await page.getByLabel("Title", { exact: true }).fill("Cars: a summary");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("heading", { name: "Cars: a summary", level: 1 })).toBeVisible();

  // The second chart straight from the recommendations: "Add to report" saves it and appends it.
  await page.getByRole("link", { name: "add a recommended chart" }).click();
  await expect(page).toHaveURL(new RegExp(`/datasets/${datasetId}/charts\\?report=${reportId}$`));
  await expect(page.getByRole("note")).toContainText("adds charts to Cars: a summary");
  await expect(cards.nth(1)).toBeVisible({ timeout: 60_000 });
  const second = cards.filter({ has: page.locator(".rec-title", { hasText: secondTitle }) }).first();
  await second.getByRole("button", { name: "Add to report" }).click();
  await expect(second.getByRole("status").filter({ hasText: "Added to" })).toBeVisible();
  await expect(second.getByRole("button", { name: "Saved", exact: true })).toBeVisible(); // saved to the gallery on the way
  await second.getByRole("link", { name: "Cars: a summary" }).click();

  // The first, from the gallery picker; then text (with a script tag that must stay inert) and the profile.
  await expect(blockLabels(page)).toHaveText([`1. Chart: ${secondTitle}`]);
  await page.getByRole("combobox", { name: /^Chart/ }).selectOption({ label: firstTitle });
  await page.getByRole("button", { name: "Add chart" }).click();
  await page.getByLabel("Markdown", { exact: true }).fill("## Findings\n\nHorsepower differs by **origin**.\n\n<script>window.__xss = 1</script>");
  await page.getByRole("button", { name: "Add text" }).click();
  await page.getByRole("button", { name: "Add profile" }).click();
  await expect(blockLabels(page)).toHaveCount(4);

  // Reorder by keyboard: the text goes first.
  await page.getByRole("button", { name: /^Move block 3 \(Text: .*\) up$/ }).focus();
  await page.keyboard.press("Enter");
  await expect(blockLabels(page).nth(1)).toContainText("Text: ## Findings");
  await expect(page.getByRole("button", { name: /^Move block 2 \(Text: .*\) up$/ })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(blockLabels(page)).toHaveText([
    /^1\. Text: ## Findings/,
    `2. Chart: ${secondTitle}`,
    `3. Chart: ${firstTitle}`,
    "4. Dataset profile",
  ]);
  // With a mouse: drag the profile's handle onto the second place.
  await page.getByTestId("report-block").nth(3).locator(".drag-handle").dragTo(page.getByTestId("report-block").nth(1));
  await expect(blockLabels(page)).toHaveText([/^1\. Text: ## Findings/, "2. Dataset profile", `3. Chart: ${secondTitle}`, `4. Chart: ${firstTitle}`]);

  // The preview is the export: headings, two chart images, the profile, the script shown nowhere and run nowhere.
  const preview = page.frameLocator("[data-testid='report-frame']");
  await expect(preview.getByRole("heading", { name: "Findings" })).toBeVisible();
  await expect(preview.locator("img.chart")).toHaveCount(2);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await screenshots(page, testInfo, "02-report-editor");

  // Export HTML: self-contained (charts as SVG data, a histogram as inline SVG, no script, no network URL).
  const [htmlDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export HTML" }).click()]);
  expect(htmlDownload.suggestedFilename()).toBe("Cars_a_summary.html");
  const html = readFileSync(await htmlDownload.path(), "utf8");
  expect(html).toContain("<svg");
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/(src|href)="https?:/);
  const charts = [...html.matchAll(/<img class="chart"[^>]*src="data:image\/svg\+xml;base64,([^"]+)"/g)];
  expect(charts).toHaveLength(2);
  for (const [, data] of charts) expect(Buffer.from(data, "base64").toString("utf8")).toMatch(/^(<\?xml[^>]*>\s*)?<svg/);
  expect(html.indexOf("Findings")).toBeLessThan(html.indexOf("<img class=\"chart\""));
  const htmlAnswer = await fetchExport(page, `/api/v1/reports/${reportId}/export.html`);
  expect(htmlAnswer.type).toMatch(/^text\/html/);

  // Export PDF.
  const [pdfDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export PDF" }).click()]);
  expect(pdfDownload.suggestedFilename()).toBe("Cars_a_summary.pdf");
  const pdf = readFileSync(await pdfDownload.path());
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(2_000);
  const pdfAnswer = await fetchExport(page, `/api/v1/reports/${reportId}/export.pdf`);
  expect(pdfAnswer.type).toBe("application/pdf");

  // Share: a link anyone can open without an account.
  await page.getByRole("button", { name: "Create share link" }).click();
  const link = await page.getByLabel("Read-only link").inputValue();
  expect(link).toMatch(/\/shared\/reports\/[\w-]{20,}$/);

  const visitor = await browser.newContext({ viewport: DESKTOP, baseURL: testInfo.project.use.baseURL });
  const stranger = await visitor.newPage();
  watch(stranger);
  await stranger.goto(link);
  const shared = stranger.frameLocator("[data-testid='report-frame']");
  await expect(shared.getByRole("heading", { name: "Cars: a summary" })).toBeVisible();
  await expect(shared.getByRole("heading", { name: "Findings" })).toBeVisible();
  await expect(shared.locator("img.chart")).toHaveCount(2);
  expect(await stranger.evaluate(() => localStorage.getItem("insight.token"))).toBeNull();
  await screenshots(stranger, testInfo, "03-shared-report");

  // Revoke: the link now says it leads nowhere, and the API answers 404.
  await page.getByRole("button", { name: "Revoke link" }).click();
  await expect(page.getByRole("button", { name: "Create share link" })).toBeVisible();
  await stranger.reload();
  await expect(stranger.getByText("This link does not lead to a report")).toBeVisible();
  const token = link.split("/shared/reports/")[1];
  expect((await stranger.request.get(`/api/v1/shared/reports/${token}`)).status()).toBe(404);
  await screenshots(stranger, testInfo, "04-shared-revoked");
  await visitor.close();

  // The list of reports shows it.
  await page.getByRole("link", { name: "Reports", exact: true }).click();
  await expect(page.getByRole("list", { name: "Reports" }).getByRole("link", { name: "Cars: a summary" })).toBeVisible();
  await screenshots(page, testInfo, "05-reports-list");
  expect(problems).toEqual([]);
});
