import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { App } from './app';
import { Session, Workspace } from './lib/workspace';
import { SignIn } from './screens/sign-in';

const KEY = 'tandem.session';

function Root() {
  const [session, setSession] = useState<Session | null>(() => {
    const saved = sessionStorage.getItem(KEY);
    const s = saved ? (JSON.parse(saved) as Session) : null;
    return s && (!s.expiresAt || s.expiresAt > Date.now()) ? s : null;
  });
  const ws = useMemo(() => (session ? new Workspace(session) : null), [session?.token]);
  useEffect(() => {
    if (!ws) return;
    ws.start().catch((e: Error) => ws.toast('Could not connect', e.message));
    const stop = ws.client.onKicked((_, message) => {
      ws.toast('Signed out', message);
      sessionStorage.removeItem(KEY);
      setSession(null);
    });
    return () => {
      stop();
      ws.close();
    };
  }, [ws]);
  if (!ws)
    return (
      <SignIn
        onSignedIn={(s) => {
          sessionStorage.setItem(KEY, JSON.stringify(s));
          setSession(s);
        }}
      />
    );
  return (
    <App
      ws={ws}
      onSignOut={() => {
        sessionStorage.removeItem(KEY);
        setSession(null);
      }}
    />
  );
}

render(<Root />, document.getElementById('app')!);
