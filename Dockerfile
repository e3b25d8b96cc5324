# One image for every Tandem service (gateway, docs, chat, presence, files, stats, notifications).
#
#   docker build -t tandem .
#   docker run --rm -e PORT=3000 ... tandem services/docs/src/main.ts     # pick the service by its main
#
# The entrypoint is `node -r ./scripts/register.js` (TypeScript through @swc-node/register); the
# command is the service's main, services/gateway/src/main.ts by default. docker-compose.yml and
# the Helm chart set the command per service.
#
# Works with BuildKit and with the legacy builder (no RUN --mount, no COPY --parents).

# -----------------------------------------------------------------------------
# manifests: only the package.json files and the lockfile, at their paths, so that the `npm ci`
# layer below is rebuilt only when dependencies change, not on every source edit.
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && find . -path ./node_modules -prune -o -path '*/node_modules' -prune -o \
         \( -name package.json -o -name package-lock.json -o -name .npmrc \) -type f -print \
    | xargs -r cp --parents -t /manifests

# -----------------------------------------------------------------------------
# deps: `npm ci` with the full lockfile (the @swc-node/register hook and @swc/core are
# dependencies; dev tools come along, as the services are run from TypeScript sources).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    NX_DAEMON=false \
    NX_NO_CLOUD=true \
    SCARF_ANALYTICS=false \
    DO_NOT_TRACK=1
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund \
 && npm cache clean --force

# -----------------------------------------------------------------------------
# web: the browser app the gateway serves (apps/web/dist), built when apps/web has a vite config.
FROM deps AS web
COPY . .
RUN if [ -f apps/web/vite.config.mjs ]; then npm run build:web; else echo "no apps/web/vite.config.mjs: skipping the web build"; fi \
 && mkdir -p apps/web/dist

# -----------------------------------------------------------------------------
# runtime
FROM node:20-bookworm-slim AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tandem" \
      org.opencontainers.image.description="Tandem services (gateway, docs, chat, presence, files, stats, notifications)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

ENV NODE_ENV=production \
    PORT=3000 \
    LOG_LEVEL=info \
    TANDEM_VERSION=${VERSION}

# Application files stay owned by root (read-only to the service); the service runs as uid 10001.
# /app/data is the embedded adapters' data directory, writable in case a service falls back to it.
RUN groupadd --system --gid 10001 tandem \
 && useradd --system --uid 10001 --gid tandem --home-dir /app --no-create-home --shell /usr/sbin/nologin tandem \
 && mkdir -p /app/data \
 && chown tandem:tandem /app/data

WORKDIR /app
COPY --from=deps /app/ ./
COPY . .
COPY --from=web /app/apps/web/dist/ ./apps/web/dist/

USER 10001:10001
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["node", "-r", "./scripts/register.js"]
CMD ["services/gateway/src/main.ts"]
