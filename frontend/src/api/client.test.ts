import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, describeProblem, flattenFieldErrors, onUnauthorized, request, setToken } from "./client";

function jsonResponse(status: number, body: unknown, type = "application/json") {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

describe("request", () => {
  it("sends the bearer token and a JSON body, and parses the JSON answer", async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(201, { id: "c1" }));
    vi.stubGlobal("fetch", fetchMock);
    setToken("tok-123");
    const body = await request<{ id: string }>("/api/v1/charts", { method: "POST", body: { title: "t" }, query: { page: 2, q: "" } });
    expect(body).toEqual({ id: "c1" });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe("/api/v1/charts?page=2");
    expect(init.headers.Authorization).toBe("Bearer tok-123");
    expect(init.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(init.body)).toEqual({ title: "t" });
  });

  it("turns a problem+json answer into an ApiError whose message is the detail and the field errors", async () => {
    const problem = { type: "about:blank", title: "Unprocessable Entity", status: 422, detail: "The request has invalid fields; see `errors`.", errors: { username: ["Shorter than minimum length 1."] } };
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(jsonResponse(422, problem, "application/problem+json")));
    const error = (await request("/api/v1/auth/register", { method: "POST", body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.problem.errors).toEqual(problem.errors);
    expect(error.message).toBe("The request has invalid fields; see `errors`. username: Shorter than minimum length 1.");
  });

  it("reports a non-JSON error page by its status, and a network failure in words", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" })));
    const gateway = (await request("/api/v1/datasets").catch((e: unknown) => e)) as ApiError;
    expect(gateway.status).toBe(502);
    expect(gateway.message).toBe("Bad Gateway");

    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    const offline = (await request("/api/v1/datasets").catch((e: unknown) => e)) as ApiError;
    expect(offline).toBeInstanceOf(ApiError);
    expect(offline.status).toBe(0);
    expect(offline.message).toMatch(/could not reach the server/i);
  });

  it("tells listeners about a 401 so the app can sign out", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(jsonResponse(401, { status: 401, title: "Unauthorized", detail: "Log in again." })));
    const listener = vi.fn();
    const stop = onUnauthorized(listener);
    await expect(request("/api/v1/auth/me")).rejects.toThrow("Log in again.");
    stop();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("resolves 204 to undefined", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(new Response(null, { status: 204 })));
    await expect(request("/api/v1/charts/x", { method: "DELETE" })).resolves.toBeUndefined();
  });
});

describe("problem text", () => {
  it("flattens nested field errors with dotted paths", () => {
    expect(flattenFieldErrors({ params: { epochs: ["Must be at least 1."] }, file: ["Missing data."] })).toEqual([
      "params.epochs: Must be at least 1.",
      "file: Missing data.",
    ]);
  });

  it("falls back to the title, then the status", () => {
    expect(describeProblem({ status: 404, title: "Not Found" })).toBe("Not Found");
    expect(describeProblem({ status: 500 })).toBe("Request failed (500)");
  });
});
