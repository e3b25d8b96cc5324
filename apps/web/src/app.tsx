import { useEffect, useState } from 'preact/hooks';
import { InboxList, Toasts } from './components/bell';
import { Sidebar } from './components/sidebar';
import { OfflineBanner, Topbar } from './components/topbar';
import { useLive, useRoute } from './lib/hooks';
import type { Workspace } from './lib/workspace';
import { DocScreen } from './screens/doc-screen';
import { LeaderboardScreen } from './screens/leaderboard-screen';
import { MatchScreen } from './screens/match-screen';
import { PlayerScreen } from './screens/player-screen';
import { StatsHome } from './screens/stats-home';

/** The signed-in app: sidebar, top bar and the screen the location hash names. */
export function App({ ws, onSignOut }: { ws: Workspace; onSignOut: () => void }) {
  useLive(() => null, (cb) => ws.onChange(cb), [ws]);
  const route = useRoute();
  const [drawer, setDrawer] = useState(false);
  useEffect(() => {
    // Activity clears automatic "away"; the SDK sends it at most every 10 s.
    const on = () => void ws.client.presence.activity().catch(() => undefined);
    addEventListener('keydown', on);
    addEventListener('pointerdown', on);
    return () => {
      removeEventListener('keydown', on);
      removeEventListener('pointerdown', on);
    };
  }, [ws]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setDrawer(false);
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const [kind, id] = route;
  let title = 'Tandem';
  let screen;
  switch (kind) {
    case 'stats':
      title = 'Game stats';
      screen = <StatsHome ws={ws} />;
      break;
    case 'board':
      title = 'Leaderboard';
      screen = <LeaderboardScreen ws={ws} boardId={id!} key={id} />;
      break;
    case 'match':
      title = 'Live match';
      screen = <MatchScreen ws={ws} matchId={id!} key={id} />;
      break;
    case 'player':
      title = 'Player';
      screen = <PlayerScreen ws={ws} playerId={id!} key={id} />;
      break;
    case 'inbox':
      title = 'Notifications';
      screen = (
        <div class="screen">
          <section class="card flush">
            <InboxList ws={ws} />
          </section>
        </div>
      );
      break;
    default: {
      const docId = kind === 'doc' && id ? id : (ws.docs[0]?.id ?? 'welcome');
      title = ws.docs.find((d) => d.id === docId)?.title ?? docId;
      screen = <DocScreen ws={ws} docId={docId} key={docId} />;
    }
  }
  return (
    <div class="shell" data-drawer={drawer || undefined}>
      <Sidebar ws={ws} route={route.length ? route : ['doc', ws.docs[0]?.id ?? 'welcome']} onNavigate={() => setDrawer(false)} />
      <div class="scrim" onClick={() => setDrawer(false)} />
      <div class="main">
        <Topbar ws={ws} title={title} onMenu={() => setDrawer(true)} />
        <OfflineBanner ws={ws} />
        <main id="content" tabIndex={-1}>
          {screen}
        </main>
        <footer class="footer muted small">
          Signed in as <strong>{ws.session.name}</strong> ({ws.session.userId}) ·{' '}
          <button class="link-button" onClick={onSignOut}>
            Sign out
          </button>
        </footer>
      </div>
      <Toasts ws={ws} />
    </div>
  );
}
