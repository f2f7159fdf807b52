import { afterEach, describe, expect, it } from "vitest";
import { hideChartTooltip, textTooltipHandler, tooltipContent } from "./tooltip";

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = "<script>window.__xss=1</script>";

afterEach(() => document.getElementById("insight-chart-tooltip")?.remove());

describe("text-only chart tooltip", () => {
  it("shows markup in titles, field names and values as text", () => {
    const holder = document.createElement("div");
    holder.append(tooltipContent({ title: IMG, [SCRIPT]: IMG, count: 1234.5, nested: { a: SCRIPT }, image: "x" }));
    expect(holder.querySelector("img, script")).toBeNull();
    expect(holder.querySelector("strong")!.textContent).toBe(IMG);
    expect(Array.from(holder.querySelectorAll("dt")).map((dt) => dt.textContent)).toEqual([SCRIPT, "count", "nested"]);
    expect(Array.from(holder.querySelectorAll("dd")).map((dd) => dd.textContent)).toEqual([IMG, (1234.5).toLocaleString(), JSON.stringify({ a: SCRIPT })]);
  });

  it("shows plain values and arrays as text", () => {
    const holder = document.createElement("div");
    holder.append(tooltipContent([IMG, 2]));
    expect(holder.textContent).toBe(`${IMG}, 2`);
    expect(holder.querySelector("img")).toBeNull();
  });

  it("appears for a value near the pointer and hides for none", () => {
    textTooltipHandler(null, new MouseEvent("mousemove", { clientX: 20, clientY: 30 }), null, { [SCRIPT]: 1 });
    const element = document.getElementById("insight-chart-tooltip")!;
    expect(element.hidden).toBe(false);
    expect(element.getAttribute("role")).toBe("tooltip");
    expect(element.textContent).toContain(SCRIPT);
    expect(element.style.left).toBe("32px");
    textTooltipHandler(null, undefined, null, undefined);
    expect(element.hidden).toBe(true);
    textTooltipHandler(null, undefined, null, "again");
    hideChartTooltip();
    expect(element.hidden).toBe(true);
    expect(element.textContent).toBe("");
    expect((window as { __xss?: unknown }).__xss).toBeUndefined();
  });
});
