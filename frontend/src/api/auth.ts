import { request, setToken } from "./client";
import type { Credentials, Registration, Token, User } from "./types";

/** The same answer whether or not the username was free: signing in tells (see AuthContext). */
export function register(credentials: Credentials): Promise<Registration> {
  return request<Registration>("/api/v1/auth/register", { method: "POST", body: credentials });
}

/** Logs in and keeps the token for later requests. */
export async function login(credentials: Credentials): Promise<Token> {
  const token = await request<Token>("/api/v1/auth/login", { method: "POST", body: credentials });
  setToken(token.token ?? null);
  return token;
}

/** Revokes the token on the server (best effort) and forgets it here. */
export async function logout(): Promise<void> {
  try {
    await request<void>("/api/v1/auth/logout", { method: "POST" });
  } finally {
    setToken(null);
  }
}

export function getMe(signal?: AbortSignal): Promise<User> {
  return request<User>("/api/v1/auth/me", { signal });
}
