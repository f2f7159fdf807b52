import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import * as auth from "../../api/auth";
import { ApiError, getToken, onUnauthorized, setToken } from "../../api/client";
import type { User } from "../../api/types";

interface AuthState {
  user: User | null;
  /** True while a stored token is being checked at start-up. */
  checking: boolean;
  login: (username: string, password: string) => Promise<void>;
  register: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export const USERNAME_TAKEN = "That username is taken; choose another one.";

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(Boolean(getToken()));

  useEffect(() => {
    if (!getToken()) return;
    const controller = new AbortController();
    auth
      .getMe(controller.signal)
      .then(setUser)
      .catch(() => {
        if (!controller.signal.aborted) setToken(null);
      })
      .finally(() => {
        if (!controller.signal.aborted) setChecking(false);
      });
    return () => controller.abort();
  }, []);

  // An expired or revoked token: forget it and show the login page.
  useEffect(
    () =>
      onUnauthorized(() => {
        setToken(null);
        setUser(null);
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const token = await auth.login({ username, password });
    setUser((token.user as User | undefined) ?? (await auth.getMe()));
  }, []);

  const register = useCallback(
    async (username: string, password: string) => {
      await auth.register({ username, password });
      try {
        await login(username, password);
      } catch (error) {
        // Registration does not say whether a name was taken (that would list accounts); a new
        // account signs in with the password just chosen, so a 401 here means it was taken.
        if (error instanceof ApiError && error.status === 401) throw new Error(USERNAME_TAKEN, { cause: error });
        throw error;
      }
    },
    [login],
  );

  const logout = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, checking, login, register, logout }), [user, checking, login, register, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth outside <AuthProvider>");
  return state;
}
