# syntax=docker/dockerfile:1
# One image for the worker and the API of the cooperation-base service; docker-compose.yml picks
# the command. The build stage compiles TypeScript and bundles the workflow code once, so a worker
# starts without webpack; the runtime stage carries production packages and dist/ only.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY cluster/docker/tsconfig.json cluster/docker/tsconfig.json
COPY domain domain
COPY workflows workflows
COPY activities activities
COPY api api
COPY audit audit
COPY store store
COPY runtime runtime
COPY scripts/bundle-workflows.ts scripts/bundle-workflows.ts
COPY scripts/cluster/worker-health.ts scripts/cluster/worker-health.ts
RUN node node_modules/typescript/bin/tsc -p cluster/docker/tsconfig.json \
 && node dist/scripts/bundle-workflows.js

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
# The official image's unprivileged user; nothing here writes to disk.
USER node
EXPOSE 3000
CMD ["node", "dist/runtime/api-main.js"]
