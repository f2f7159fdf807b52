import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { checkPhoneWidth, seriesCsv, shot, signUp, uniqueUser, upload } from "./helpers";

test("imputation: start BRITS, at least 2 live updates, stop, train more epochs, download", async ({ page }, testInfo) => {
  await signUp(page, uniqueUser("impute"));
  const datasetId = await upload(page, "load.csv", seriesCsv());
  await page.getByRole("link", { name: "Fill gaps" }).click();
  await expect(page).toHaveURL(new RegExp(`/datasets/${datasetId}/impute$`));

  const settings = page.getByRole("form", { name: "Settings" });
  await settings.getByLabel("Method").selectOption("brits");
  await expect(settings.getByLabel("Time column")).toHaveValue("time");
  await settings.getByLabel("Epochs").fill("2000"); // far more than the test waits for: it is stopped by hand
  await settings.getByLabel("Window").fill("24");
  await settings.getByLabel("Hidden size").fill("8");
  await settings.getByLabel("Batch size").fill("16");
  await settings.getByRole("button", { name: "Start" }).click();
  await expect(page).toHaveURL(/\?job=/);

  // Live: the series redraws each epoch; wait for two updates over SSE.
  const updates = page.getByTestId("live-updates");
  await expect(async () => {
    const n = Number((await updates.textContent())?.match(/\d+/)?.[0] ?? 0);
    expect(n).toBeGreaterThanOrEqual(2);
  }).toPass({ timeout: 120_000 });
  await expect(page.locator(".series-figure canvas").first()).toBeVisible();
  await expect(page.getByText(/gaps? filled/)).toBeVisible();
  await shot(page, testInfo, "01-live");
  const redraws = await page.evaluate(() => window.__insightRedraws ?? []);
  console.log(`[imputation] live redraws: ${redraws.map((r) => `${r.ms.toFixed(1)}ms/${r.points}pts`).join(", ")}`);

  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled", { timeout: 60_000 });
  await shot(page, testInfo, "02-stopped");

  await page.getByLabel("More epochs").fill("2");
  await page.getByRole("button", { name: "Train 2 more epochs" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 120_000 });
  await expect(page.getByText(/run 2/).first()).toBeVisible();
  await shot(page, testInfo, "03-resumed");
  await checkPhoneWidth(page, testInfo, "04-phone");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download result" }).click()]);
  expect(download.suggestedFilename()).toMatch(/imputed.*\.csv$/);
  const lines = readFileSync(await download.path(), "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",");
  expect(header).toEqual(expect.arrayContaining(["time", "load", "load_imputed"]));
  const load = header.indexOf("load");
  expect(lines.length - 1).toBe(240);
  expect(lines.slice(1).every((line) => line.split(",")[load] !== "")).toBe(true);
});

test("synthesis: TimeGAN with tiny settings, phases and losses, samples, overlay, PCA plot", async ({ page }, testInfo) => {
  // TensorFlow start-up and graph tracing dominate (about 1-2 minutes on 2 busy cores).
  test.setTimeout(300_000);
  await signUp(page, uniqueUser("synth"));
  const datasetId = await upload(page, "series.csv", seriesCsv(200).replace(/,,/g, ",1,").replace(/,\n/g, ",1\n"));
  await page.goto(`/datasets/${datasetId}/synthesize`);

  const settings = page.getByRole("form", { name: "TimeGAN settings" });
  await settings.getByLabel("Sequence length").fill("8");
  await settings.getByLabel("Hidden size").fill("4");
  await settings.getByLabel("Layers").fill("1");
  await settings.getByLabel("Batch size").fill("16");
  await settings.getByLabel("Iterations per phase").fill("4");
  await settings.getByRole("button", { name: "Train" }).click();
  await expect(page).toHaveURL(/\?job=/);

  const training = page.getByRole("region", { name: "Training" });
  await expect(training.getByTestId("job-status")).toHaveText("succeeded", { timeout: 150_000 });
  await expect(training.getByText(/phase: joint/)).toBeVisible();
  await expect(training.locator(".line-chart canvas").first()).toBeVisible();
  await shot(page, testInfo, "01-trained");

  const samples = page.getByRole("region", { name: "Samples" });
  await samples.getByLabel("Sequences").fill("20");
  await samples.getByRole("button", { name: "Generate samples" }).click();
  await expect(page).toHaveURL(/samples=/);
  const overlay = page.getByRole("region", { name: "Real vs synthetic" });
  await expect(overlay.locator(".line-chart canvas").first()).toBeVisible();
  const [csv] = await Promise.all([page.waitForEvent("download"), samples.getByRole("button", { name: "Download CSV" }).click()]);
  const header = readFileSync(await csv.path(), "utf8").split(/\r?\n/)[0];
  expect(header.split(",").slice(0, 2)).toEqual(["sequence_id", "step"]);

  const evaluation = page.getByRole("form", { name: "Evaluation settings" });
  await evaluation.getByLabel("Scoring steps").fill("10");
  await evaluation.getByLabel("Runs").fill("1");
  await evaluation.getByLabel("Windows").fill("40");
  await evaluation.getByRole("button", { name: /Evaluate/ }).click();
  const pca = page.getByTestId("pca-plot");
  await expect(pca.locator(".vega-target svg")).toBeVisible({ timeout: 150_000 });
  await expect(pca.locator(".vega-target svg path, .vega-target svg .mark-symbol").first()).toBeAttached();
  await expect(page.getByTestId("discriminative-score")).not.toHaveText("–");
  await expect(page.getByTestId("predictive-score")).not.toHaveText("–");
  await shot(page, testInfo, "02-evaluated");
  await checkPhoneWidth(page, testInfo, "02b-evaluated-phone");

  // Jobs and models pages list what was made.
  await page.getByRole("link", { name: "Jobs" }).click();
  await expect(page.getByRole("list", { name: "Jobs" }).getByText("timegan_training")).toBeVisible();
  await shot(page, testInfo, "03-jobs");
  await page.getByRole("link", { name: "Models" }).click();
  await expect(page.getByRole("table", { name: "Trained models" }).getByRole("cell", { name: "timegan" }).first()).toBeVisible();
  await shot(page, testInfo, "04-models");
});
