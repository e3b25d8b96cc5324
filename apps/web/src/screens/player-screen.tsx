import type { PastPerformances, PlayerProfile } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';
import { LineChart } from '../components/line-chart';
import { href } from '../lib/hooks';
import type { Workspace } from '../lib/workspace';
import { fmt } from './leaderboard-screen';

const PAGE = 10;

/** A player's profile: career totals, personal bests, a chart of a stat over past matches, and the matches. */
export function PlayerScreen({ ws, playerId }: { ws: Workspace; playerId: string }) {
  const [profile, setProfile] = useState<PlayerProfile | null>(null);
  const [history, setHistory] = useState<PastPerformances | null>(null);
  const [offset, setOffset] = useState(0);
  const [stat, setStat] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setError('');
    ws.client.stats.profile(playerId, { form: 5 }).then(
      (p) => live && setProfile(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [playerId]);
  useEffect(() => {
    let live = true;
    ws.client.stats.matches(playerId, { offset, limit: PAGE }).then(
      (h) => live && setHistory(h),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [playerId, offset]);
  const stats = profile ? Object.keys(profile.totals).sort() : [];
  const shown = stat ?? stats[0] ?? null;
  const chronological = [...(history?.matches ?? [])].reverse();
  return (
    <div class="screen">
      <div class="screen-header">
        <div class="player-title">
          <Avatar userId={playerId} size={48} />
          <div>
            <p class="eyebrow">
              <a href={href('stats')}>Game stats</a> · player
            </p>
            <h2 class="screen-title">{playerId}</h2>
          </div>
        </div>
        <button class="secondary" onClick={() => ws.client.notifications.follow({ kind: 'player', id: playerId }).then(() => ws.toast('Following', `You will hear about ${playerId}’s personal bests.`), (e: Error) => ws.toast('Not followed', e.message))}>
          Follow
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {profile && (
        <section class="kpis" aria-label="Career">
          <Kpi label="Matches" value={profile.matches} />
          <Kpi label="Wins" value={profile.wins} />
          <Kpi label="Losses" value={profile.losses} />
          <Kpi label="Win rate" value={profile.matches ? `${Math.round((100 * profile.wins) / profile.matches)}%` : '—'} />
          {stats.slice(0, 4).map((s) => (
            <Kpi key={s} label={`${s} (avg)`} value={fmt(profile.averages[s] ?? 0)} />
          ))}
        </section>
      )}
      <div class="doc-grid">
        <section class="card" aria-labelledby="chart-title">
          <header class="card-header">
            <h2 id="chart-title">Past performances</h2>
            {stats.length > 1 && (
              <select aria-label="Stat to chart" value={shown ?? ''} onChange={(e) => setStat((e.currentTarget as HTMLSelectElement).value)}>
                {stats.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            )}
          </header>
          {shown && history && <LineChart label={`${shown} per match`} values={chronological.map((m) => m.stats[shown] ?? 0)} labels={chronological.map((m) => m.match.title || m.matchId)} />}
        </section>
        <section class="card" aria-labelledby="bests-title">
          <header class="card-header">
            <h2 id="bests-title">Personal bests</h2>
          </header>
          <ul class="bests">
            {profile &&
              Object.entries(profile.bests).map(([s, b]) => (
                <li key={s}>
                  <Icon name="trophy" size={16} /> <span class="muted">{s}</span> <strong>{fmt(b.value)}</strong> <a href={href('match', b.matchId)}>{b.matchId}</a>
                </li>
              ))}
            {profile && Object.keys(profile.bests).length === 0 && <li class="empty small">No matches yet.</li>}
          </ul>
        </section>
      </div>
      <section class="card flush">
        <table class="table" aria-label="Matches">
          <thead>
            <tr>
              <th scope="col">Match</th>
              <th scope="col">Result</th>
              {stats.map((s) => (
                <th scope="col" class="num" key={s}>
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {history?.matches.map((m) => (
              <tr key={m.matchId} data-match={m.matchId}>
                <td>
                  <a href={href('match', m.matchId)}>{m.match.title || m.matchId}</a>
                  <span class="muted small block">{m.time ? new Date(m.time).toLocaleDateString() : m.status}</span>
                </td>
                <td>{m.result ? <span class={`result r-${m.result}`}>{m.result}</span> : <span class="muted">{m.status}</span>}</td>
                {stats.map((s) => (
                  <td class="num" key={s}>
                    {fmt(m.stats[s] ?? 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <footer class="pager">
          <span class="muted small">{history ? `${history.total} matches` : ''}</span>
          <button class="secondary small" disabled={history?.prevOffset == null} onClick={() => history?.prevOffset != null && setOffset(history.prevOffset)}>
            <Icon name="left" size={16} /> Newer
          </button>
          <button class="secondary small" disabled={history?.nextOffset == null} onClick={() => history?.nextOffset != null && setOffset(history.nextOffset)}>
            Older <Icon name="right" size={16} />
          </button>
        </footer>
      </section>
    </div>
  );
}

function Kpi({ label, value }: { label: string; value: string | number }) {
  return (
    <div class="kpi">
      <span class="muted small">{label}</span>
      <strong>{value}</strong>
    </div>
  );
}
