import { expect, test } from "@playwright/test";
import { carsCsv, signUp, uniqueUser, upload } from "./helpers";

// The server's Content-Security-Policy (backend/api/security_headers.py) must let the SPA do all it does:
// sign up, upload, draw Vega-Lite charts (expressions compiled by Vega), export a PNG. Any violation fails.
test("the SPA works under the server's Content-Security-Policy, and cannot be framed", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Refused to ${event.violatedDirective}: ${event.blockedURI}`);
    });
  });

  const response = await page.goto("/");
  const policy = response?.headers()["content-security-policy"] ?? "";
  expect(policy).toContain("frame-ancestors 'none'");
  expect(response?.headers()["x-frame-options"]).toBe("DENY");

  await signUp(page, uniqueUser("csp"));
  const datasetId = await upload(page, "cars.csv", carsCsv());
  await page.goto(`/datasets/${datasetId}/charts`);
  const builder = page.getByRole("region", { name: "Make a chart" });
  await expect(builder.locator(".vega-target[data-state='ready'] svg")).toBeVisible();
  // A filter expression: Vega compiles it with Function() (the reason for 'unsafe-eval').
  await builder.getByLabel("Mark", { exact: true }).selectOption("bar");
  await expect(builder.locator(".vega-target[data-state='ready'] svg")).toBeVisible();
  expect(violations).toEqual([]);

  // A page that frames the app (even the app itself) gets nothing of it in the frame.
  await page.evaluate(() => {
    const frame = document.createElement("iframe");
    frame.src = "/datasets";
    document.body.appendChild(frame);
  });
  await page.waitForTimeout(1500);
  const framed = page.frames().find((frame) => frame !== page.mainFrame());
  expect(framed).toBeTruthy();
  expect(await framed!.locator("#root").count()).toBe(0);
});
