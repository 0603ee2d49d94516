# The archiver worker image (docker-compose.yml service `worker`).
#   docker build -t db-archiver .
#   docker run --rm -p 127.0.0.1:9464:9464 -v "$PWD/archiver.yaml:/config/archiver.yaml:ro" db-archiver
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (npm run build) needs the sources copied below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# Two glibc malloc arenas instead of one per thread: about 35 MB less resident memory (bench/RESULTS.md).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
# Prometheus metrics (docs/metrics.md); inside a container the endpoint must listen on all addresses.
EXPOSE 9464
CMD ["node", "bin/archiver.js", "worker", "--config", "/config/archiver.yaml", "--metrics-host", "0.0.0.0", "--metrics-port", "9464"]
