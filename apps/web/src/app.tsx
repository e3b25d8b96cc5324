import { useEffect, useState } from 'preact/hooks';
import { InboxList, Toasts } from './components/bell';
import { Sidebar } from './components/sidebar';
import { OfflineBanner, Topbar } from './components/topbar';
import { useLive, useRoute } from './lib/hooks';
import type { Workspace } from './lib/workspace';
import { ChatScreen } from './screens/chat-screen';
import { DocScreen } from './screens/doc-screen';
import { NewDmScreen } from './screens/new-dm-screen';
import { KanbanScreen } from './screens/kanban-screen';
import { TextScreen } from './screens/text-screen';
import { WhiteboardScreen } from './screens/whiteboard-screen';
import { LeaderboardScreen } from './screens/leaderboard-screen';
import { MatchScreen } from './screens/match-screen';
import { PlayerScreen } from './screens/player-screen';
import { StatsHome } from './screens/stats-home';

const ROUTE_KIND = { text: 'richtext', kanban: 'kanban', canvas: 'whiteboard' } as const;

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
    case 'text':
    case 'kanban':
    case 'canvas': {
      const entry = ws.addDoc(id!, ROUTE_KIND[kind]);
      title = entry.title;
      const Screen = kind === 'text' ? TextScreen : kind === 'kanban' ? KanbanScreen : WhiteboardScreen;
      screen = <Screen ws={ws} docId={entry.id} title={entry.title} key={entry.id} />;
      break;
    }
    case 'dm':
      title = ws.people.get(id!)?.name ?? id!;
      screen = <NewDmScreen ws={ws} userId={id!} key={id} />;
      break;
    case 'chat': {
      const listed = ws.channels.find((c) => c.channelId === id);
      title = listed?.kind === 'dm' ? ws.dmName(id!) : `# ${listed?.name ?? id}`;
      screen = <ChatScreen ws={ws} channelId={id!} thread={route[2]} key={id} />;
      break;
    }
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
      const known = ws.docs.find((d) => d.id === docId);
      if (known && known.kind !== 'counter') {
        // A link to a document of another kind (e.g. from a notification): its own screen.
        const Screen = known.kind === 'richtext' ? TextScreen : known.kind === 'kanban' ? KanbanScreen : WhiteboardScreen;
        title = known.title;
        screen = <Screen ws={ws} docId={known.id} title={known.title} key={known.id} />;
        break;
      }
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
