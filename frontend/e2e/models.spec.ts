import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { test } from "@playwright/test";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkPhoneWidth, seriesCsv, shot, signUp, uniqueUser, upload } from "./helpers";

// Screenshots are also copied here to be looked at after a run (E2E_SHOTS overrides).
const SHOTS = process.env.E2E_SHOTS ?? "/tmp/d2shots";

async function look(page: Page, testInfo: TestInfo, name: string) {
  await shot(page, testInfo, name);
  mkdirSync(SHOTS, { recursive: true });
  copyFileSync(testInfo.outputPath(`${name}.png`), join(SHOTS, `${name}.png`));
  await checkPhoneWidth(page, testInfo, `${name}-phone`);
  copyFileSync(testInfo.outputPath(`${name}-phone.png`), join(SHOTS, `${name}-phone.png`));
}

/** The API with the signed-in user's token (set-up steps the studios spec already covers through the UI). */
async function api(page: Page) {
  const token = await page.evaluate(() => localStorage.getItem("insight.token"));
  const headers = { Authorization: `Bearer ${token}` };
  const request: APIRequestContext = page.request;
  return {
    async post(path: string, data: unknown) {
      const response = await request.post(path, { headers, data });
      expect(response.status(), `${path}: ${await response.text()}`).toBeLessThan(300);
      return response.json();
    },
    async get(path: string) {
      const response = await request.get(path, { headers });
      expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
      return response.json();
    },
  };
}

type Api = Awaited<ReturnType<typeof api>>;

async function finished(client: Api, jobId: string, timeout: number) {
  let job: { status: string; result?: Record<string, unknown>; error?: unknown } = { status: "queued" };
  await expect(async () => {
    job = await client.get(`/api/v1/jobs/${jobId}`);
    expect(["succeeded", "failed", "cancelled", "interrupted"]).toContain(job.status);
  }).toPass({ timeout, intervals: [250] });
  expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
  return job;
}

// Tiny TimeGAN settings (as the studios spec): TensorFlow's start-up dominates.
const tiny = (hidden: number) => ({ seq_len: 8, hidden_size: hidden, num_layers: 1, batch_size: 16, iterations: 4 });
const fullSeries = (points: number) => seriesCsv(points).replace(/,,/g, ",1,").replace(/,\n/g, ",1\n");

test("models: two TimeGANs, evaluate one, compare, promote, retrain on a second dataset, download an artifact", async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  await signUp(page, uniqueUser("models"));
  const first = await upload(page, "first.csv", fullSeries(200));
  const second = await upload(page, "second.csv", fullSeries(160));
  const client = await api(page);

  // A project, and the first dataset moved into it from its page: the models trained on it belong to it.
  await page.goto("/projects");
  await page.getByLabel("Name").fill("Forecasts");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { name: "Forecasts" })).toBeVisible();
  await page.goto(`/datasets/${first}`);
  await page.getByLabel("Project").selectOption({ label: "Forecasts" });
  await expect.poll(async () => (await client.get(`/api/v1/datasets/${first}`)).project_id).toBeTruthy();

  // Two small models of one kind, different hidden sizes.
  const jobs = [
    await client.post(`/api/v1/datasets/${first}/synthesizers`, tiny(4)),
    await client.post(`/api/v1/datasets/${first}/synthesizers`, tiny(6)),
  ];
  const [a, b] = [
    ((await finished(client, jobs[0].id, 240_000)).result as { model_id: string }).model_id,
    ((await finished(client, jobs[1].id, 240_000)).result as { model_id: string }).model_id,
  ];

  // Evaluate the first with the smallest settings; its scorecard lands on the model's record.
  // It runs while the Models page and compare are looked at (they do not show it); waited for below.
  const started = Date.now();
  const evaluation = await client.post(`/api/v1/models/${a}/evaluations`, { iterations: 10, metric_runs: 1, classifier_runs: 1, max_windows: 10, tsne: false });

  // The Models page: filter by kind and project (kept in the URL), pick both, compare.
  await page.goto("/models");
  await page.getByLabel("Kind").selectOption("timegan");
  await page.getByLabel("Project").selectOption({ label: "Forecasts" });
  await expect(page).toHaveURL(/kind=timegan&project=/);
  await page.reload();
  await expect(page.getByLabel("Kind")).toHaveValue("timegan");
  const table = page.getByRole("table", { name: "Trained models" });
  await expect(table.locator("tbody tr")).toHaveCount(2);
  const boxes = table.getByRole("checkbox");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await look(page, testInfo, "01-models");
  await page.getByRole("link", { name: "Compare" }).click();
  await expect(page).toHaveURL(new RegExp(`ids=(${a},${b}|${b},${a})$`));
  await expect(page.getByRole("heading", { name: "Compare 2 timegan models" })).toBeVisible();
  const params = page.getByRole("table", { name: "Params side by side" });
  await expect(params.locator("tr.differs")).toHaveCount(1);
  await expect(params.locator("tr.differs th")).toContainText("hidden_dim");
  await expect(page.locator(".line-chart canvas").first()).toBeVisible();
  await look(page, testInfo, "02-compare");

  // The first model's page: its evaluation, then promote it.
  await finished(client, evaluation.id, 240_000);
  console.log(`[models] evaluation took ${((Date.now() - started) / 1000).toFixed(1)} s (with the pages above)`);
  await page.goto(`/models/${a}`);
  await expect(page.getByRole("table", { name: "Synthesis scorecard" })).toBeVisible();
  await expect(page.getByTestId("model-status")).toHaveText("candidate");
  await page.getByRole("button", { name: "Promote to production" }).click();
  await expect(page.getByTestId("model-status")).toHaveText("production");
  await expect(page.getByRole("button", { name: "Back to candidate" })).toBeVisible();
  await look(page, testInfo, "03-model");

  // Download an artifact: the bytes match the size and sha256 the page shows.
  const files = page.getByRole("table", { name: "Artifact files" });
  const name = (await files.locator("tbody th").first().textContent())!.trim();
  const shownSha = (await page.getByTestId(`artifact-sha-${name}`).textContent())!.trim();
  const shownSize = Number((await page.getByTestId(`artifact-size-${name}`).getAttribute("title"))!.replace(/\D/g, ""));
  const [download] = await Promise.all([page.waitForEvent("download"), files.getByRole("button", { name: `Download ${name}` }).click()]);
  const bytes = readFileSync(await download.path());
  expect(bytes.length).toBe(shownSize);
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(shownSha);

  // Retrain it on the second dataset; the next version says where it came from.
  const retrain = page.getByRole("form", { name: "Retrain" });
  await retrain.getByLabel("Dataset").selectOption({ label: "second.csv" });
  await retrain.getByRole("button", { name: "Start retraining" }).click();
  const follow = retrain.getByRole("link", { name: "follow the job" });
  await expect(follow).toBeVisible();
  const retrainJob = new URL((await follow.getAttribute("href"))!, "http://x").searchParams.get("job")!;
  const retrained = ((await finished(client, retrainJob, 240_000)).result as { model_id: string }).model_id;
  await page.goto(`/models/${retrained}`);
  await expect(page.getByRole("link", { name: "the previous version" })).toHaveAttribute("href", `/models/${a}`);
  await expect(page.getByTestId("model-status")).toHaveText("candidate");
  expect((await client.get(`/api/v1/models/${retrained}`)).data?.dataset_id ?? second).toBe(second);
  await look(page, testInfo, "04-retrained");

  // Use it: samples from the retrained TimeGAN, stored as a dataset.
  const use = page.getByRole("form", { name: "Generate samples" });
  await use.getByLabel("Sequences").fill("10");
  await use.getByRole("button", { name: "Generate samples" }).click();
  await expect(use.getByRole("status").getByRole("link")).toHaveAttribute("href", /\/datasets\//);

  // Batch: the retrained model on both datasets; each item shows its job, then its outcome.
  await page.getByText("Retrain on several datasets").click();
  const batch = page.locator(".batch-retrain");
  await batch.getByLabel("first.csv").check();
  await batch.getByLabel("second.csv").check();
  await batch.getByRole("button", { name: "Retrain on 2 datasets" }).click();
  const outcome = page.getByRole("list", { name: "Batch outcome" });
  await expect(outcome.getByRole("listitem")).toHaveCount(2);
  await expect(outcome.getByRole("link", { name: /^job / })).toHaveCount(2);
  await expect(async () => {
    await batch.getByRole("button", { name: "Refresh outcome" }).click();
    await expect(outcome.getByRole("link", { name: "new model" })).toHaveCount(2, { timeout: 2_000 });
  }).toPass({ timeout: 240_000, intervals: [1_000] });
  await look(page, testInfo, "05-batch");

  // The project page counts what is in it.
  await page.goto("/projects");
  await expect(page.getByRole("link", { name: /5 models/ })).toBeVisible();
  await look(page, testInfo, "06-projects");
});

test("models: a trained BRITS fills another dataset from its page, without training", async ({ page }, testInfo) => {
  await signUp(page, uniqueUser("fill"));
  const trainedOn = await upload(page, "load.csv", seriesCsv());
  const other = await upload(page, "other.csv", seriesCsv(200));
  const client = await api(page);
  const job = await client.post(`/api/v1/datasets/${trainedOn}/imputations`, { method: "brits", epochs: 2, window_size: 24, hidden_size: 8, batch_size: 16 });
  const modelId = ((await finished(client, job.id, 120_000)).result as { model_id: string }).model_id;

  await page.goto(`/models/${modelId}`);
  const fill = page.getByRole("form", { name: "Fill a dataset" });
  await fill.getByLabel("Dataset to fill").selectOption({ label: "other.csv" });
  await fill.getByRole("button", { name: "Fill gaps with this model" }).click();
  const follow = fill.getByRole("link", { name: "follow the job" });
  await expect(follow).toHaveAttribute("href", new RegExp(`/datasets/${other}/impute\\?job=`));
  await look(page, testInfo, "07-brits-model");
  const fillJob = new URL((await follow.getAttribute("href"))!, "http://x").searchParams.get("job")!;
  const result = (await finished(client, fillJob, 120_000)).result as { dataset_id: string; used_model_id: string; model_id?: string };
  expect(result.used_model_id).toBe(modelId);
  expect(result.model_id ?? null).toBeNull(); // no training, so no new model
  await page.goto(`/datasets/${result.dataset_id}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
