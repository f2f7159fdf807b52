import { MODEL_SORTS, type ModelListQuery, type ModelSort } from "../../api/models";

/** The Models page's filters, sort and page: what its URL query holds, so a reload or a shared link shows the same list. */
export interface ModelFilters {
  kind: string;
  project: string;
  status: string;
  dataset: string;
  sort: ModelSort;
  page: number;
  pageSize: number;
}

export const PAGE_SIZES = [10, 20, 50] as const;
export const DEFAULT_FILTERS: ModelFilters = { kind: "", project: "", status: "", dataset: "", sort: "-created_at", page: 1, pageSize: 20 };

const positive = (text: string | null, fallback: number) => {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
};

/** Reads the filters from `?kind=&project=&status=&dataset=&sort=&page=&size=`; unknown values fall back to the defaults. */
export function filtersFromQuery(query: URLSearchParams): ModelFilters {
  const sort = query.get("sort") as ModelSort | null;
  const size = positive(query.get("size"), DEFAULT_FILTERS.pageSize);
  return {
    kind: query.get("kind") ?? "",
    project: query.get("project") ?? "",
    status: query.get("status") ?? "",
    dataset: query.get("dataset") ?? "",
    sort: sort && MODEL_SORTS.includes(sort) ? sort : DEFAULT_FILTERS.sort,
    page: positive(query.get("page"), 1),
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_FILTERS.pageSize,
  };
}

/** The URL query for `filters`, leaving out defaults so the plain page stays `/models`. */
export function queryFromFilters(filters: ModelFilters): URLSearchParams {
  const query = new URLSearchParams();
  const put = (key: string, value: string | number, fallback: string | number) => {
    if (value !== fallback) query.set(key, String(value));
  };
  put("kind", filters.kind, "");
  put("project", filters.project, "");
  put("status", filters.status, "");
  put("dataset", filters.dataset, "");
  put("sort", filters.sort, DEFAULT_FILTERS.sort);
  put("page", filters.page, 1);
  put("size", filters.pageSize, DEFAULT_FILTERS.pageSize);
  return query;
}

/** A change of any filter (not of the page itself) goes back to page 1: page 3 of the old list means nothing in the new one. */
export function changeFilters(current: ModelFilters, change: Partial<ModelFilters>): ModelFilters {
  const onlyPage = Object.keys(change).every((key) => key === "page");
  return { ...current, ...change, page: onlyPage ? change.page ?? current.page : 1 };
}

/** The API's list query for `filters`. */
export function listQuery(filters: ModelFilters): ModelListQuery {
  return {
    kind: filters.kind || undefined,
    project_id: filters.project || undefined,
    status: filters.status || undefined,
    dataset_id: filters.dataset || undefined,
    sort: filters.sort,
    page: filters.page,
    page_size: filters.pageSize,
  };
}

export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));
