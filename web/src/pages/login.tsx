// Sign-in: the user pastes an API token; it is checked against the server, then kept for the session only.
import { Compass } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client.ts';
import { signIn } from '../auth/session.ts';

export function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) return;
    setBusy(true);
    setError(null);
    try {
      // Any read route tells whether the token is valid; this one is small.
      await api('/images', { query: { limit: 1 }, token: value });
      signIn(value);
      const next = params.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'The server does not know this token, or it was revoked.' : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)}>
        <div className="brand big">
          <Compass size={28} /> Sextant
        </div>
        <p className="muted">
          Sign in with an API token. The server printed the first admin token when it started; <code>sextant</code> tokens start with <code>sxt_</code>.
        </p>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="off" spellCheck={false} value={token} onChange={(e) => setToken(e.target.value)} placeholder="sxt_…" autoFocus />
        {error ? (
          <div className="error-box" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="button primary" disabled={busy || !token.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p className="muted small">The token is kept in this tab's session storage and sent only to this server.</p>
      </form>
    </div>
  );
}
