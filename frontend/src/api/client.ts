/**
 * The one place that talks HTTP: bearer token, JSON bodies, problem+json errors, upload progress.
 * Every endpoint module in src/api/ builds on `request` (fetch) or `uploadWithProgress` (XMLHttpRequest,
 * because fetch reports no upload progress).
 */

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  /** Field name -> messages (422s). */
  errors?: unknown;
}

/** A failed request, carrying the server's RFC 9457 problem (or one made up for network failures). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(describeProblem(problem));
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
  }
}

/** The problem in words a person can act on: the detail, then each field's messages. */
export function describeProblem(problem: Problem): string {
  const head = problem.detail || problem.title || `Request failed (${problem.status})`;
  const fields = flattenFieldErrors(problem.errors);
  return fields.length ? `${head} ${fields.join(" ")}` : head;
}

/** `{"file": ["Missing data"], "params": {"epochs": ["Too big"]}}` -> ["file: Missing data", "params.epochs: Too big"]. */
export function flattenFieldErrors(errors: unknown, prefix = ""): string[] {
  if (errors == null) return [];
  if (typeof errors === "string") return [prefix ? `${prefix}: ${errors}` : errors];
  if (Array.isArray(errors)) {
    if (errors.every((e) => typeof e === "string")) {
      return errors.length ? [prefix ? `${prefix}: ${errors.join(" ")}` : errors.join(" ")] : [];
    }
    return errors.flatMap((e, i) => flattenFieldErrors(e, prefix ? `${prefix}[${i}]` : String(i)));
  }
  if (typeof errors === "object") {
    return Object.entries(errors as Record<string, unknown>).flatMap(([key, value]) =>
      flattenFieldErrors(value, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [String(errors)];
}

const TOKEN_KEY = "insight.token";
let token: string | null = readStoredToken();
const unauthorizedListeners = new Set<() => void>();

function readStoredToken(): string | null {
  try {
    return globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode or no storage: the token lives for this tab only.
  }
}

/** Called when the server says the token is no longer valid (401), so the app can sign the user out. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** fetch with the token; resolves to the raw Response when it is ok, throws ApiError otherwise. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders(), ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === "AbortError") throw error;
    throw new ApiError({ status: 0, title: "Network error", detail: "Could not reach the server. Check your connection and try again." });
  }
  if (!response.ok) throw await problemFromResponse(response);
  return response;
}

/** JSON request; 204 resolves to undefined. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function requestBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  const response = await send(path, { ...options, headers: { Accept: "*/*", ...options.headers } });
  return response.blob();
}

export async function problemFromResponse(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText };
  try {
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (parsed && typeof parsed === "object") problem = { ...parsed, status: parsed.status ?? response.status };
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the status line.
  }
  if (!problem.detail && !problem.title) problem.title = `Request failed (${response.status})`;
  if (response.status === 401) unauthorizedListeners.forEach((listener) => listener());
  return new ApiError(problem);
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** multipart POST through XMLHttpRequest so the caller sees upload progress; rejects with ApiError. */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  onProgress?: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      const problem: Problem =
        parsed && typeof parsed === "object"
          ? { ...(parsed as Problem), status: (parsed as Problem).status ?? xhr.status }
          : { status: xhr.status, title: xhr.statusText || `Upload failed (${xhr.status})` };
      if (xhr.status === 401) unauthorizedListeners.forEach((listener) => listener());
      reject(new ApiError(problem));
    };
    xhr.onerror = () =>
      reject(new ApiError({ status: 0, title: "Network error", detail: "The upload was interrupted. Check your connection and try again." }));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}
