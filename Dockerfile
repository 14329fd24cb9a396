# syntax=docker/dockerfile:1
#
# The payments service image: one image, three entry points (server, migrate, smoke).
# Build from the repository root with a plain `docker build -t payments .`
# Properties (multi-stage, pinned bases, distroless non-root runtime, prod-only dependencies,
# every COPY source present) are asserted by test/image/dockerfile.test.ts, since no Docker
# engine runs in CI.
#
# How the manifests select an entry point (node is the image ENTRYPOINT, the script is the CMD):
#   Rollout (server)           no command/args: the default CMD runs the HTTP server on :3000
#   migration Job (PreSync)    args: ["services/payments/dist/migrate.mjs"]
#   smoke AnalysisTemplate Job args: ["services/payments/dist/smoke.mjs"], env TARGET_URL + SMOKE_API_KEY
#
# TODO(digest pin): pin both base images by digest (`image:tag@sha256:…`) once a machine with
# registry access resolves them (`docker buildx imagetools inspect <image>`); tags float.

# --- build: all dependencies, then bundle the TypeScript entry points to plain ESM JavaScript ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Manifests first so `npm ci` is cached until a dependency changes. npm ci needs every workspace's
# package.json to match the lockfile (the test checks this list against the root "workspaces").
COPY package.json package-lock.json ./
COPY packages/console/package.json packages/console/
COPY packages/infra-policy/package.json packages/infra-policy/
COPY packages/loadgen/package.json packages/loadgen/
COPY packages/manifests/package.json packages/manifests/
COPY packages/pglocal/package.json packages/pglocal/
COPY packages/quickship/package.json packages/quickship/
COPY services/payments/package.json services/payments/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY packages/ packages/
COPY services/payments/ services/payments/
# esbuild (installed with tsx/vitest) bundles our code and any @quickship/* workspace code it
# imports; the payments package's npm dependencies stay external and come from the deps stage.
# Output keeps the source layout (services/payments/dist next to src/) so paths the service
# resolves relative to its own file (../migrations, ../package.json) still hold.
RUN npx --no-install esbuild \
      server=services/payments/src/server.ts \
      migrate=services/payments/src/migrate-cli.ts \
      smoke=services/payments/src/smoke/main.ts \
      --bundle --platform=node --target=node24 --format=esm \
      --outdir=services/payments/dist --out-extension:.js=.mjs \
      --sourcemap --log-level=warning \
      $(node -p "Object.keys(require('./services/payments/package.json').dependencies || {}).filter((d) => !d.startsWith('@quickship/')).map((d) => '--external:' + d + ' --external:' + d + '/*').join(' ')")

# --- deps: production dependencies of the payments workspace only ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/console/package.json packages/console/
COPY packages/infra-policy/package.json packages/infra-policy/
COPY packages/loadgen/package.json packages/loadgen/
COPY packages/manifests/package.json packages/manifests/
COPY packages/pglocal/package.json packages/pglocal/
COPY packages/quickship/package.json packages/quickship/
COPY services/payments/package.json services/payments/
RUN npm ci --omit=dev --workspace @quickship/payments --no-audit --no-fund

# --- runtime: Node LTS on distroless (no shell, no package manager), non-root ---
FROM gcr.io/distroless/nodejs24-debian12:nonroot AS runtime
WORKDIR /app
# The commit /version reports (docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD)).
ARG GIT_COMMIT=unknown
ENV GIT_COMMIT=${GIT_COMMIT} \
    NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000
COPY --from=deps /app/package.json ./package.json
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/services/payments/package.json ./services/payments/package.json
COPY --from=build /app/services/payments/migrations ./services/payments/migrations
COPY --from=build /app/services/payments/dist ./services/payments/dist
# 65532 is distroless's "nonroot"; numeric so runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
EXPOSE 3000
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["services/payments/dist/server.mjs"]
