import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { useAuth } from "../features/auth/AuthContext";
import { ErrorMessage } from "../features/ui/Status";
import { useAction } from "../lib/useAction";

/** Sign in, or create an account (then sign in). */
export default function AuthPage({ mode }: { mode: "login" | "register" }) {
  const { login, register } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const isLogin = mode === "login";
  const from = (location.state as { from?: string } | null)?.from ?? "/datasets";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await (isLogin ? login : register)(username.trim(), password);
      navigate(from, { replace: true });
    });
  };

  return (
    <main className="auth-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="auth-heading">
        <h1 id="auth-heading">{isLogin ? "Log in" : "Create an account"}</h1>
        <label htmlFor="username">Username</label>
        <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete={isLogin ? "current-password" : "new-password"}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Please wait…" : isLogin ? "Log in" : "Sign up"}
        </button>
        <p>
          {isLogin ? (
            <>
              No account yet? <Link to="/register">Sign up</Link>
            </>
          ) : (
            <>
              Have an account? <Link to="/login">Log in</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
