/**
 * A plain-text tooltip for Vega views. vega-embed's default tooltip (vega-tooltip) writes HTML strings into the
 * page; column names and values come from uploaded files, so ours builds DOM nodes and sets only `textContent`:
 * whatever a dataset holds is shown as text, never parsed as markup.
 */

const ELEMENT_ID = "insight-chart-tooltip";
const MAX_TEXT = 300;

function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value.toLocaleString() : String(value);
  if (value instanceof Date) return value.toISOString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/** The tooltip's content for a Vega tooltip value (a string, an array, or `{title?, field: value, ...}`). */
export function tooltipContent(value: unknown, doc: Document = document): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) {
    const { title, image: _image, ...rest } = value as Record<string, unknown>;
    if (title !== undefined && title !== null && title !== "") {
      const heading = doc.createElement("strong");
      heading.className = "tooltip-title";
      heading.textContent = clip(asText(title));
      fragment.append(heading);
    }
    const entries = Object.entries(rest).filter(([, v]) => v !== undefined);
    if (entries.length > 0) {
      const list = doc.createElement("dl");
      for (const [key, v] of entries) {
        const term = doc.createElement("dt");
        term.textContent = clip(key);
        const detail = doc.createElement("dd");
        detail.textContent = clip(asText(v));
        list.append(term, detail);
      }
      fragment.append(list);
    }
    return fragment;
  }
  const text = doc.createElement("span");
  text.textContent = clip(Array.isArray(value) ? value.map(asText).join(", ") : asText(value));
  fragment.append(text);
  return fragment;
}

function tooltipElement(): HTMLElement {
  let element = document.getElementById(ELEMENT_ID);
  if (!element) {
    element = document.createElement("div");
    element.id = ELEMENT_ID;
    element.className = "chart-tooltip";
    element.setAttribute("role", "tooltip");
    element.hidden = true;
    document.body.append(element);
  }
  return element;
}

/** Hides the tooltip (e.g. when a chart is torn down under the pointer). */
export function hideChartTooltip(): void {
  const element = document.getElementById(ELEMENT_ID);
  if (element) {
    element.hidden = true;
    element.replaceChildren();
  }
}

/** A Vega tooltip handler (`view.tooltip(handler)` / vega-embed's `tooltip` option) that writes text only. */
export function textTooltipHandler(_handler: unknown, event: MouseEvent | undefined, _item: unknown, value: unknown): void {
  if (value === null || value === undefined || value === "") {
    hideChartTooltip();
    return;
  }
  const element = tooltipElement();
  element.replaceChildren(tooltipContent(value));
  element.hidden = false;
  if (!event) return;
  const margin = 12;
  const { offsetWidth: width, offsetHeight: height } = element;
  let left = event.clientX + margin;
  let top = event.clientY + margin;
  if (left + width > window.innerWidth - 4) left = Math.max(4, event.clientX - margin - width);
  if (top + height > window.innerHeight - 4) top = Math.max(4, event.clientY - margin - height);
  element.style.left = `${left}px`;
  element.style.top = `${top}px`;
}
