import { expect, test } from "@playwright/test";
import { carsCsv, checkPhoneWidth, fileBytes, PNG_SIGNATURE, shot, signUp, uniqueUser, upload } from "./helpers";

test("register, upload, history, dataset page, save a chart, gallery, export PNG, rename, delete, log out", async ({ page }, testInfo) => {
  await signUp(page, uniqueUser("charts"));
  await shot(page, testInfo, "01-empty-history");
  await expect(page.getByText("No uploads yet")).toBeVisible();

  // A file the server refuses: its reason appears in words.
  await page.getByLabel("Choose a file to upload").setInputFiles({ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 binary") });
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page.getByText(/Upload of notes\.pdf failed/)).toBeVisible();
  await shot(page, testInfo, "02-upload-error");

  const datasetId = await upload(page, "cars.csv", carsCsv());
  await upload(page, "other.csv", "a,b\n1,2\n3,\n");

  // History: newest first, search by name.
  await page.goto("/datasets");
  const names = page.getByRole("list", { name: "Uploaded datasets" }).locator(".dataset-name");
  await expect(names).toHaveText(["other.csv", "cars.csv"]);
  await page.getByPlaceholder("Search by name").fill("car");
  await expect(names).toHaveText(["cars.csv"]);
  await page.getByPlaceholder("Search by name").fill("zzz");
  await expect(page.getByText("No dataset name contains")).toBeVisible();
  await page.getByPlaceholder("Search by name").fill("");
  await shot(page, testInfo, "03-history");

  // Delete from history.
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete other.csv" }).click();
  await expect(names).toHaveText(["cars.csv"]);

  // Dataset page: column types and missing counts, table preview.
  await page.getByRole("link", { name: "cars.csv" }).click();
  const columns = page.getByRole("table", { name: "Columns" });
  await expect(columns.getByRole("row", { name: /Horsepower/ })).toContainText("number");
  await expect(columns.getByRole("row", { name: /Horsepower/ })).toContainText("6");
  await expect(columns.getByRole("row", { name: /Origin/ })).toContainText("category");
  await expect(page.getByRole("region", { name: "Rows of cars.csv" }).locator("tbody tr")).toHaveCount(50);
  await shot(page, testInfo, "04-dataset");
  // Phone width: nothing wider than the screen but the scrollable table; the menu opens from a button.
  await page.setViewportSize({ width: 360, height: 780 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await expect(page.getByRole("link", { name: "Saved charts" })).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(page.getByRole("link", { name: "Saved charts" })).toBeVisible();
  await shot(page, testInfo, "05-dataset-phone");
  await page.getByRole("button", { name: "Menu" }).click();
  await page.setViewportSize({ width: 1280, height: 860 });

  // Make and save a chart by hand (works without the recommender).
  await page.goto(`/datasets/${datasetId}/charts`);
  const builder = page.getByRole("region", { name: "Make a chart" });
  // No recommendations yet: it starts from a measure over time, a line per origin (not a count of the first column).
  await expect(builder.getByTestId("builder-start")).toContainText("first chart for this table");
  await expect(builder.getByLabel("Mark", { exact: true })).toHaveValue("line");
  await expect(builder.getByLabel("X", { exact: true })).toHaveValue("Year");
  await expect(builder.getByLabel("Y", { exact: true })).toHaveValue("Horsepower");
  await expect(builder.getByLabel("Color", { exact: true })).toHaveValue("Origin");
  await expect(builder.locator(".vega-target[data-state='ready'] svg")).toBeVisible();
  await shot(page, testInfo, "05c-builder-start");
  await builder.getByLabel("Mark", { exact: true }).selectOption("bar");
  await builder.getByLabel("Color", { exact: true }).selectOption("");
  await builder.getByLabel("X", { exact: true }).selectOption("Origin");
  await builder.getByLabel("Y", { exact: true }).selectOption("Horsepower");
  await expect(builder.locator(".vega-target svg")).toBeVisible();
  await builder.getByRole("button", { name: "Save chart" }).click();
  await expect(builder.getByText(/Saved .* to your gallery/)).toBeVisible();

  // Gallery: the chart is drawn, exports a real PNG, renames, deletes.
  await page.getByRole("link", { name: "Saved charts" }).click();
  const card = page.getByTestId("gallery-card").first();
  await expect(card.locator(".vega-target svg")).toBeVisible();
  await shot(page, testInfo, "06-gallery");
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: "PNG" }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.png$/);
  expect(fileBytes(await download.path())).toEqual(PNG_SIGNATURE);
  const [spec] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: "JSON spec" }).click()]);
  expect(spec.suggestedFilename()).toMatch(/\.vl\.json$/);

  await card.getByRole("button", { name: /^Rename/ }).click();
  await card.getByLabel("New title").fill("Horsepower by origin");
  await card.getByRole("button", { name: "Save name" }).click();
  await expect(card.getByRole("heading", { name: "Horsepower by origin" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Horsepower by origin" })).toBeVisible();

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Delete Horsepower by origin" }).click();
  await expect(page.getByText("No saved charts yet")).toBeVisible();

  // Log out: protected pages send you to the login form.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.goto("/charts");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});

test("recommendations render as SVG, save one, find it in the gallery, export PNG", async ({ page }, testInfo) => {
  await signUp(page, uniqueUser("recs"));
  const datasetId = await upload(page, "cars.csv", carsCsv(120));
  await page.getByRole("link", { name: "Recommend charts" }).click();
  await expect(page).toHaveURL(new RegExp(`/datasets/${datasetId}/charts$`));
  await page.getByLabel("Charts (k)").fill("4");
  await page.getByRole("button", { name: /Recommend charts/ }).click();
  const cards = page.getByTestId("recommendation-card");
  await expect(cards.first()).toBeVisible({ timeout: 120_000 });
  const count = await cards.count();
  expect(count).toBeGreaterThanOrEqual(1);
  expect(count).toBeLessThanOrEqual(4);
  for (let i = 0; i < count; i++) await expect(cards.nth(i).locator(".vega-target svg, .vega-target canvas")).toBeVisible();
  await shot(page, testInfo, "01-recommendations");
  await checkPhoneWidth(page, testInfo, "01b-recommendations-phone");

  const first = cards.first();
  const title = (await first.getByRole("heading").textContent())!.replace(/^#1\s*/, "").trim();
  await first.getByRole("button", { name: "Save" }).click();
  await expect(first.getByText("Saved to your gallery.")).toBeVisible();

  // Enlarge opens a dialog that Escape closes.
  await first.getByRole("button", { name: "Enlarge" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.locator(".vega-target svg")).toBeVisible();
  await shot(page, testInfo, "02-enlarged");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  const [clientPng] = await Promise.all([page.waitForEvent("download"), first.getByRole("button", { name: "PNG" }).click()]);
  expect(fileBytes(await clientPng.path())).toEqual(PNG_SIGNATURE);

  await page.getByRole("link", { name: "Saved charts" }).click();
  const card = page.getByTestId("gallery-card").filter({ hasText: title });
  await expect(card.locator(".vega-target svg")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: "PNG" }).click()]);
  expect(fileBytes(await download.path())).toEqual(PNG_SIGNATURE);
  await shot(page, testInfo, "03-gallery");
});
