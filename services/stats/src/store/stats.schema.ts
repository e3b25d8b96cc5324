import { Schema } from 'mongoose';

const opts = (collection: string) => ({ collection, versionKey: false as const, minimize: false });

/** `stats_matches`: the fold of each match's events, with the ids of the events applied (duplicates are dropped against them). */
export const MatchSchema = new Schema({ tenant: { type: String, required: true }, matchId: { type: String, required: true }, state: { type: Schema.Types.Mixed, required: true } }, opts('stats_matches'));
MatchSchema.index({ tenant: 1, matchId: 1 }, { unique: true });

/** `stats_player_matches`: one line per player and match (profiles and leaderboards are computed from them). */
export const PlayerMatchSchema = new Schema(
  {
    tenant: { type: String, required: true },
    playerId: { type: String, required: true },
    matchId: { type: String, required: true },
    teamId: { type: String, default: null },
    season: { type: String, default: null },
    time: { type: String, default: null },
    status: { type: String, required: true },
    result: { type: String, default: null },
    placement: { type: Number, default: null },
    stats: { type: Schema.Types.Mixed, default: {} },
  },
  opts('stats_player_matches'),
);
PlayerMatchSchema.index({ tenant: 1, playerId: 1, matchId: 1 }, { unique: true });

/** `stats_leaderboards`: leaderboard definitions. */
export const LeaderboardSchema = new Schema({ tenant: { type: String, required: true }, boardId: { type: String, required: true }, definition: { type: Schema.Types.Mixed, required: true } }, opts('stats_leaderboards'));
LeaderboardSchema.index({ tenant: 1, boardId: 1 }, { unique: true });

/** `stats_leaderboard_entries`: each player's score per board and period (the source of truth of ranks). */
export const EntrySchema = new Schema(
  {
    tenant: { type: String, required: true },
    boardId: { type: String, required: true },
    period: { type: String, required: true },
    playerId: { type: String, required: true },
    score: { type: Number, required: true },
    matches: { type: Number, required: true },
  },
  opts('stats_leaderboard_entries'),
);
EntrySchema.index({ tenant: 1, boardId: 1, period: 1, playerId: 1 }, { unique: true });
EntrySchema.index({ tenant: 1, boardId: 1, playerId: 1 });
