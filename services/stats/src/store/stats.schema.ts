import { Schema } from 'mongoose';

// Every collection is read and written by `_id` alone: FerretDB 1.24 (SQLite) pushes down only a
// filter of exactly `{ _id: <string> }`; any other filter scans the whole collection, which made
// each ingested batch cost time proportional to everything stored (measured: 40 events/s after
// 2,400 events). So the ids are composite strings and a player's lines live in one document.
const opts = (collection: string) => ({ collection, versionKey: false as const, minimize: false });

/** `stats_matches`, `_id` = `<tenant>/<matchId>`: the fold of each match's events, with the ids of the events applied. */
export const MatchSchema = new Schema({ _id: { type: String, required: true }, tenant: { type: String, required: true }, matchId: { type: String, required: true }, state: { type: Schema.Types.Mixed, required: true } }, opts('stats_matches'));

/**
 * `stats_players`, `_id` = `<tenant>/<playerId>`: the player's line in each match (`rows`, keyed by
 * match) and their leaderboard entries (`entries`, keyed by board and period); see {@link fieldKey}.
 */
export const PlayerSchema = new Schema(
  { _id: { type: String, required: true }, tenant: { type: String, required: true }, playerId: { type: String, required: true }, rows: { type: Schema.Types.Mixed, default: {} }, entries: { type: Schema.Types.Mixed, default: {} } },
  opts('stats_players'),
);
PlayerSchema.index({ tenant: 1 });

/** `stats_leaderboards`, `_id` = `<tenant>/<boardId>`: leaderboard definitions. */
export const LeaderboardSchema = new Schema({ _id: { type: String, required: true }, tenant: { type: String, required: true }, boardId: { type: String, required: true }, definition: { type: Schema.Types.Mixed, required: true } }, opts('stats_leaderboards'));
LeaderboardSchema.index({ tenant: 1 });

/** A field name for an id inside a document: ids may hold `.`, which MongoDB paths (and FerretDB keys) cannot. */
export const fieldKey = (...parts: string[]) => parts.map((p) => p.replace(/\./g, '~')).join('|');
