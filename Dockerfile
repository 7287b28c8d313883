# syntax=docker/dockerfile:1
# Parley's BFF with its prebuilt front-ends (docs/operations.md, "Deploy with Docker").
# build:   the full install, `npm run build`, then scripts/deploy.mjs: the production install in /app
#          (`npm ci --omit=dev` of the server), started on 127.0.0.1 and checked (/healthz, the pages, a guest
#          round trip, a clean SIGTERM). `npm test` runs the same script, as no Docker engine runs in CI.
# runtime: /app only (no tsx, no Vite, no sources), as the unprivileged `node` user.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY server/package.json server/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && node scripts/deploy.mjs /app

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 PARLEY_DATA_DIR=/data
# the application is root's and read-only to the server; only /data (snapshot, uploaded files) is writable
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
VOLUME /data
WORKDIR /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (PARLEY_DRAIN_MS, at most 25 s): give `docker stop` more than that (compose: stop_grace_period)
STOPSIGNAL SIGTERM
CMD ["node", "server/dist/main.js"]
