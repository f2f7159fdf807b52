import { expect, type Page, type TestInfo } from "@playwright/test";
import { readFileSync } from "node:fs";

let counter = 0;

/** A fresh user per test (tests share one backend). */
export function uniqueUser(prefix: string) {
  counter += 1;
  return { username: `${prefix}_${Date.now().toString(36)}_${counter}`, password: "a long e2e password" };
}

export async function signUp(page: Page, user: { username: string; password: string }) {
  await page.goto("/register");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();
}

/** Uploads through the file input (the dropzone's button) and waits for the dataset page. */
export async function upload(page: Page, name: string, content: string, mimeType = "text/csv") {
  await page.goto("/datasets");
  await page.getByLabel("Choose a file to upload").setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  return page.url().split("/datasets/")[1];
}

export async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function fileBytes(path: string): number[] {
  return Array.from(readFileSync(path).subarray(0, 8));
}

/** A small cars-like table with missing values, types of every kind. */
export function carsCsv(rows = 60): string {
  const origins = ["USA", "Europe", "Japan"];
  const lines = ["Name,Year,Horsepower,Miles_per_Gallon,Origin"];
  for (let i = 0; i < rows; i++) {
    const hp = i % 11 === 0 ? "" : String(60 + ((i * 37) % 170));
    const mpg = (12 + ((i * 13) % 30) + (i % 3) * 0.5).toFixed(1);
    lines.push(`car ${i},${1970 + (i % 13)}-01-01,${hp},${mpg},${origins[i % 3]}`);
  }
  return lines.join("\n") + "\n";
}

/** An hourly series with gaps of several lengths (for imputation). */
export function seriesCsv(points = 240): string {
  const lines = ["time,load,temp"];
  const start = Date.UTC(2021, 0, 1);
  for (let i = 0; i < points; i++) {
    // Zone-aware ISO times ("...Z"), as browsers and many exports write them.
    const t = new Date(start + i * 3_600_000).toISOString().slice(0, 19) + "Z";
    const load = 50 + 20 * Math.sin((2 * Math.PI * i) / 24) + 3 * Math.sin(i / 5);
    const temp = 10 + 5 * Math.sin((2 * Math.PI * i) / 24 + 1);
    const gap = (i >= 30 && i < 34) || (i >= 100 && i < 112) || i === 170 || (i >= 200 && i < 203);
    lines.push(`${t},${gap ? "" : load.toFixed(3)},${i % 17 === 5 ? "" : temp.toFixed(3)}`);
  }
  return lines.join("\n") + "\n";
}

/** At phone width (360 px) the page does not scroll sideways; saves a screenshot, then restores the viewport. */
export async function checkPhoneWidth(page: Page, testInfo: TestInfo, name: string) {
  const original = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(300); // charts resize on the next frame
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(page, testInfo, name);
  if (original) await page.setViewportSize(original);
}

/** A quarterly macro-economic table: 40 quarters of year, quarter, gdp, consumption, inflation (deterministic). */
export function macroCsv(quarters = 40): string {
  const lines = ["year,quarter,gdp,consumption,inflation"];
  for (let i = 0; i < quarters; i++) {
    const gdp = 15000 + 120 * i + 180 * Math.sin(i / 3);
    const consumption = 0.68 * gdp + 40 * Math.cos(i / 2);
    const inflation = 2 + Math.sin(i / 5) + 0.3 * Math.cos(i);
    lines.push(`${2010 + Math.floor(i / 4)},${(i % 4) + 1},${gdp.toFixed(1)},${consumption.toFixed(1)},${inflation.toFixed(2)}`);
  }
  return lines.join("\n") + "\n";
}

/** A tips-like table (total_bill, tip, sex, smoker, day, time, size), 200 rows from a seeded generator. */
export function tipsCsv(rows = 200): string {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const days = ["Thur", "Fri", "Sat", "Sun"];
  const lines = ["total_bill,tip,sex,smoker,day,time,size"];
  for (let i = 0; i < rows; i++) {
    const day = days[Math.floor(random() * 4)];
    const time = day === "Thur" || (day === "Fri" && random() < 0.5) ? "Lunch" : "Dinner";
    const size = 1 + Math.min(5, Math.floor(random() * random() * 6) + (random() < 0.6 ? 1 : 0));
    const bill = 4 + size * 5.5 + random() * 14 + (time === "Dinner" ? 3 : 0);
    const tip = Math.max(1, bill * (0.1 + random() * 0.1) + (random() - 0.5));
    const sex = random() < 0.64 ? "Male" : "Female";
    const smoker = random() < 0.38 ? "Yes" : "No";
    lines.push(`${bill.toFixed(2)},${tip.toFixed(2)},${sex},${smoker},${day},${time},${size}`);
  }
  return lines.join("\n") + "\n";
}

/** The API's answer for a path, fetched in the page with the signed-in user's token. */
export async function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (url) => {
    const token = localStorage.getItem("insight.token");
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }, path);
}
