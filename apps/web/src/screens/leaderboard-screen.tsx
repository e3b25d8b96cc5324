import type { LeaderboardPage } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';
import { href } from '../lib/hooks';
import type { Workspace } from '../lib/workspace';

const PAGE = 10;

/** A leaderboard: pages of ranks, and "around me" centred on the signed-in player; live (read again when a rank moves). */
export function LeaderboardScreen({ ws, boardId }: { ws: Workspace; boardId: string }) {
  const [view, setView] = useState<{ mode: 'page'; offset: number } | { mode: 'around' }>({ mode: 'page', offset: 0 });
  const [page, setPage] = useState<LeaderboardPage | null>(null);
  const [error, setError] = useState('');
  // Bumped when a rank of this board moves: the page shown is read again (at most every 250 ms).
  const [version, setVersion] = useState(0);
  const me = ws.session.userId;
  useEffect(() => {
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop = () => {};
    ws.client.stats.watchLeaderboard(boardId).then(
      (watch) => {
        if (closed) return watch.close();
        const off = watch.onRank(() => {
          timer ??= setTimeout(() => {
            timer = undefined;
            setVersion((v) => v + 1);
          }, 250);
        });
        stop = () => {
          off();
          watch.close();
        };
      },
      () => undefined, // the page still loads over HTTP; it is just not live
    );
    return () => {
      closed = true;
      clearTimeout(timer);
      stop();
    };
  }, [boardId]);
  useEffect(() => {
    let live = true;
    setError('');
    const load = view.mode === 'page' ? ws.client.stats.leaderboard(boardId, { offset: view.offset, limit: PAGE }) : ws.client.stats.around(boardId, me, { limit: PAGE });
    load.then(
      (p) => live && setPage(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [boardId, JSON.stringify(view), version]);
  return (
    <div class="screen">
      <div class="screen-header">
        <div>
          <p class="eyebrow">
            <a href={href('stats')}>Leaderboards</a> · {page?.period ?? ''}
          </p>
          <h2 class="screen-title">{boardId}</h2>
        </div>
        <div class="segmented" role="group" aria-label="Leaderboard view">
          <button aria-pressed={view.mode === 'page'} onClick={() => setView({ mode: 'page', offset: 0 })}>
            Top
          </button>
          <button aria-pressed={view.mode === 'around'} onClick={() => setView({ mode: 'around' })}>
            <Icon name="target" size={16} /> Around me
          </button>
        </div>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section class="card flush">
        <table class="table leaderboard" aria-label={`${boardId} leaderboard`}>
          <thead>
            <tr>
              <th scope="col" class="num">
                Rank
              </th>
              <th scope="col">Player</th>
              <th scope="col" class="num">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.entries.map((e) => (
              <tr key={e.playerId} data-me={e.playerId === me || undefined} data-player={e.playerId}>
                <td class="num rank">{e.rank <= 3 ? <span class={`medal m${e.rank}`}>{e.rank}</span> : e.rank}</td>
                <td>
                  <a href={href('player', e.playerId)} class="player-cell">
                    <Avatar userId={e.playerId} size={26} />
                    {e.playerId}
                    {e.playerId === me && <span class="you">you</span>}
                  </a>
                </td>
                <td class="num score">{fmt(e.score)}</td>
              </tr>
            ))}
            {page && page.entries.length === 0 && (
              <tr>
                <td colSpan={3} class="empty small">
                  {view.mode === 'around' ? 'You are not on this leaderboard yet.' : 'Nobody on this leaderboard yet.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        <footer class="pager">
          <span class="muted small" id="page-info">
            {page && page.entries.length ? `${page.entries[0]!.rank}–${page.entries[page.entries.length - 1]!.rank} of ${page.total}` : ''}
          </span>
          <button class="secondary small" aria-label="Previous page" disabled={page?.prevOffset == null} onClick={() => page?.prevOffset != null && setView({ mode: 'page', offset: page.prevOffset })}>
            <Icon name="left" size={16} /> Previous
          </button>
          <button class="secondary small" aria-label="Next page" disabled={page?.nextOffset == null} onClick={() => page?.nextOffset != null && setView({ mode: 'page', offset: page.nextOffset })}>
            Next <Icon name="right" size={16} />
          </button>
        </footer>
      </section>
    </div>
  );
}

export const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString() : n.toLocaleString(undefined, { maximumFractionDigits: 2 }));
