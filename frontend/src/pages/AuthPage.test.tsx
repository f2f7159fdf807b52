import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getToken, setToken } from "../api/client";
import { AuthProvider } from "../features/auth/AuthContext";
import AuthPage from "./AuthPage";

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

function renderLogin(mode: "login" | "register" = "login") {
  render(
    <MemoryRouter initialEntries={["/login"]}>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<AuthPage mode={mode} />} />
          <Route path="/datasets" element={<h1>Datasets</h1>} />
        </Routes>
      </AuthProvider>
    </MemoryRouter>,
  );
}

describe("AuthPage", () => {
  it("shows why a login failed and keeps no token", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ status: 401, title: "Unauthorized", detail: "Wrong username or password." }), { status: 401 })),
    );
    renderLogin();
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Password"), "nope");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong username or password.");
    expect(getToken()).toBeNull();
  });

  it("says a username is taken when signing in after registering fails", async () => {
    // The server answers registration the same for free and taken names; the sign-in tells.
    const fetchMock = vi.fn(async (url: string) =>
      url.endsWith("/register")
        ? new Response(JSON.stringify({ username: "alice" }), { status: 201 })
        : new Response(JSON.stringify({ status: 401, title: "Unauthorized", detail: "Wrong username or password." }), { status: 401 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderLogin("register");
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Password"), "a long password");
    await userEvent.click(screen.getByRole("button", { name: "Sign up" }));
    expect((await screen.findByRole("alert")).textContent).toBe("That username is taken; choose another one.");
    expect(getToken()).toBeNull();
  });

  it("keeps the token and goes to the datasets after a good login", async () => {
    const fetchMock = vi.fn(
      async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ token: "t0k", expires_at: "2030-01-01", user: { id: "u1", username: "alice" } }), { status: 200 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderLogin();
    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.type(screen.getByLabelText("Password"), "a long password");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { name: "Datasets" })).toBeTruthy();
    expect(getToken()).toBe("t0k");
    expect(JSON.parse(String(fetchMock.mock.calls[0][1].body))).toEqual({ username: "alice", password: "a long password" });
  });
});
