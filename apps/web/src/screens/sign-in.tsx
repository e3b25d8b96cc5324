import { devSignIn, identityOf, SignInError } from '@tandem/sdk';
import { useState } from 'preact/hooks';
import type { Session } from '../lib/workspace';

/** Sign-in: the dev sign-in (embedded mode: any name) or a token from your identity provider. */
export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'dev' | 'token'>('dev');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setBusy(true);
    setError('');
    try {
      if (mode === 'dev') onSignedIn(await devSignIn(location.origin, (form.elements.namedItem('name') as HTMLInputElement).value));
      else {
        const token = (form.elements.namedItem('token') as HTMLTextAreaElement).value.trim();
        onSignedIn({ token, ...identityOf(token) });
      }
    } catch (err) {
      setError((err as Error).message);
      if (err instanceof SignInError && err.code === 'UNAVAILABLE') setMode('token');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in-page">
      <div class="sign-in-card">
        <div class="brand">
          <span class="logo" aria-hidden="true">T</span>
          <h1>Tandem</h1>
        </div>
        <p class="lead">Documents, chat and live game stats — together, in real time.</p>
        <div class="tabs" role="tablist">
          <button role="tab" aria-selected={mode === 'dev'} onClick={() => setMode('dev')}>
            Dev sign-in
          </button>
          <button role="tab" aria-selected={mode === 'token'} onClick={() => setMode('token')}>
            Token
          </button>
        </div>
        <form id="sign-in-form" onSubmit={submit}>
          {mode === 'dev' ? (
            <>
              <p class="dev-label">Embedded mode only: anyone can pick any name, no password.</p>
              <label>
                Your name <input id="name" name="name" autoComplete="nickname" required maxLength={80} autoFocus />
              </label>
            </>
          ) : (
            <label>
              Access token <textarea id="token" name="token" required rows={4} placeholder="eyJhbGciOi…" spellcheck={false} />
              <small class="muted">A JWT from your identity provider, with your user id (sub) and workspace (tenant).</small>
            </label>
          )}
          <button type="submit" class="primary wide" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p id="sign-in-error" class="error" role="alert">
          {error}
        </p>
      </div>
    </main>
  );
}
