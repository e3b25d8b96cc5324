import type { MatchBoard } from '@tandem/contracts';
import type { MatchWatch } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { href } from '../lib/hooks';
import type { Workspace } from '../lib/workspace';
import { fmt } from './leaderboard-screen';

/** A live match board: status, team scores and every player's stat line, updated as events arrive. */
export function MatchScreen({ ws, matchId }: { ws: Workspace; matchId: string }) {
  const [board, setBoard] = useState<MatchBoard | null>(null);
  const [error, setError] = useState('');
  const [flash, setFlash] = useState(0);
  useEffect(() => {
    let live = true;
    let watch: MatchWatch | null = null;
    setBoard(null);
    ws.client.stats.watchMatch(matchId).then(
      (w) => {
        if (!live) return w.close();
        watch = w;
        setBoard(w.board);
        w.onBoard((b) => {
          setBoard(b);
          setFlash((f) => f + 1);
        });
        w.onRecord((r) => ws.toast('Personal best!', `${r.playerId}: ${r.stat} ${fmt(r.value)}`, href('player', r.playerId)));
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
      watch?.close();
    };
  }, [matchId]);
  const stats = board ? [...new Set(board.players.flatMap((p) => Object.keys(p.stats)))].sort() : [];
  return (
    <div class="screen">
      <div class="screen-header">
        <div>
          <p class="eyebrow">
            <a href={href('stats')}>Game stats</a> · live match
          </p>
          <h2 class="screen-title">{board?.title || matchId}</h2>
        </div>
        <span class="status-chip" data-status={board?.status ?? 'waiting'} id="match-status">
          {board ? (board.status === 'started' ? 'Live' : board.status) : 'Waiting for the first event'}
        </span>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!board && !error && (
        <section class="card empty">
          <p>Nothing has happened in this match yet. The board fills in as soon as its first event arrives.</p>
        </section>
      )}
      {board && (
        <>
          <section class="scoreboard" aria-label="Team scores" key={flash} data-events={board.events}>
            {board.teams.map((t) => {
              // A final score once the result says so; until then the team's sum of its headline stat.
              const headline = ['score', 'points', 'goals', 'kills'].find((k) => k in t.stats) ?? Object.keys(t.stats).sort()[0];
              const final = t.placement !== null || t.score !== 0;
              return (
                <div class="team" key={t.teamId} data-team={t.teamId} data-winner={t.placement === 1 || undefined}>
                  <span class="team-name">{t.name}</span>
                  <span class="team-score">{fmt(final || !headline ? t.score : (t.stats[headline] ?? 0))}</span>
                  <span class="team-stats small">
                    {final ? (t.placement !== null ? `Placed #${t.placement}` : 'score') : headline}
                    {Object.entries(t.stats)
                      .filter(([k]) => final || k !== headline)
                      .map(([k, v]) => ` · ${k} ${fmt(v)}`)
                      .join('')}
                  </span>
                </div>
              );
            })}
          </section>
          <section class="card flush">
            <table class="table" aria-label="Player stats">
              <thead>
                <tr>
                  <th scope="col">Player</th>
                  <th scope="col">Team</th>
                  {stats.map((s) => (
                    <th scope="col" class="num" key={s}>
                      {s}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {board.players.map((p) => (
                  <tr key={p.playerId} data-player={p.playerId}>
                    <td>
                      <a href={href('player', p.playerId)} class="player-cell">
                        <Avatar userId={p.playerId} size={24} /> {p.playerId}
                      </a>
                    </td>
                    <td class="muted">{board.teams.find((t) => t.teamId === p.teamId)?.name ?? '—'}</td>
                    {stats.map((s) => (
                      <td class="num" key={s} data-stat={s}>
                        {fmt(p.stats[s] ?? 0)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            <footer class="pager">
              <span class="muted small">
                {board.events} events · updated live
              </span>
            </footer>
          </section>
        </>
      )}
    </div>
  );
}
