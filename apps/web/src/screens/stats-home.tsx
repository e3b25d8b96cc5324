import { Icon } from '../components/icons';
import { go, href, useAsync } from '../lib/hooks';
import type { Workspace } from '../lib/workspace';

/** Game stats home: the workspace's leaderboards, and ways to open a live match or a player. */
export function StatsHome({ ws }: { ws: Workspace }) {
  const boards = useAsync(() => ws.client.stats.leaderboards(), []);
  const open = (field: string, to: 'match' | 'player') => (e: Event) => {
    e.preventDefault();
    const v = ((e.currentTarget as HTMLFormElement).elements.namedItem(field) as HTMLInputElement).value.trim();
    if (v) go(to, v);
  };
  return (
    <div class="screen">
      <div class="screen-header">
        <div>
          <p class="eyebrow">Game stats</p>
          <h2 class="screen-title">Leaderboards and live matches</h2>
        </div>
      </div>
      <div class="stats-grid">
        <section class="card" aria-labelledby="lb-title">
          <header class="card-header">
            <h2 id="lb-title">Leaderboards</h2>
          </header>
          {boards.loading && <p class="muted">Loading…</p>}
          {boards.error && <p class="error">{boards.error.message}</p>}
          {boards.value?.length === 0 && <p class="empty small">No leaderboard yet. Partners define them with the stats API.</p>}
          <ul class="board-list">
            {boards.value?.map((b) => (
              <li key={b.boardId}>
                <a href={href('board', b.boardId)} class="board-link">
                  <Icon name="trophy" />
                  <span>
                    <strong>{b.boardId}</strong>
                    <span class="muted small">
                      {b.aggregation} of {b.stat}
                      {b.period ? ` · resets ${b.period.reset}` : ''}
                      {b.season ? ` · season ${b.season}` : ''}
                    </span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </section>
        <section class="card" aria-labelledby="watch-title">
          <header class="card-header">
            <h2 id="watch-title">Watch a live match</h2>
          </header>
          <form class="inline-form" onSubmit={open('match-id', 'match')}>
            <input name="match-id" aria-label="Match id" placeholder="Match id, e.g. final-2026" required />
            <button class="primary" type="submit">
              <Icon name="live" size={16} /> Watch
            </button>
          </form>
          <header class="card-header spaced">
            <h2>Find a player</h2>
          </header>
          <form class="inline-form" onSubmit={open('player-id', 'player')}>
            <input name="player-id" aria-label="Player id" placeholder="Player id" required />
            <button class="secondary" type="submit">
              Open profile
            </button>
          </form>
        </section>
      </div>
    </div>
  );
}
