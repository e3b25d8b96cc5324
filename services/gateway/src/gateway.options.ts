import type { Config } from '@tandem/platform';

/** How a gateway is set up by its `main` (standalone or one process per service). */
export interface GatewayOptions {
  config: Config;
  /** The clearly-labelled dev sign-in that issues tokens: embedded mode only. */
  devSignIn: boolean;
  /** HS256 secret used when `JWT_SECRET` is unset (the embedded mode's generated one). */
  jwtSecret?: string;
  /** Base URL of the docs service's reads; defaults to `DOCS_URL`. */
  docsUrl: () => string;
  /** Base URL of the presence service's reads; defaults to `PRESENCE_URL`. */
  presenceUrl: () => string;
  /** Base URL of the chat service's reads; defaults to `CHAT_URL`. */
  chatUrl?: () => string;
  /** Base URL of the files service's API; defaults to `FILES_URL`. */
  filesUrl?: () => string;
  /** Base URL of the stats service's reads; defaults to `STATS_URL`. */
  statsUrl?: () => string;
  /** Base URL of the notifications service's reads; defaults to `NOTIFICATIONS_URL`. */
  notificationsUrl?: () => string;
  /** Directory of the built web app to serve at `/`, if any. */
  webRoot?: string;
}

export const GATEWAY_OPTIONS = Symbol('GatewayOptions');
