# The archiver worker image (docker-compose.yml service `worker`).
#   docker build -t db-archiver .
#   docker run --rm -v "$PWD/archiver.yaml:/config/archiver.yaml:ro" db-archiver
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (npm run build) needs the sources copied below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
CMD ["node", "bin/archiver.js", "worker", "--config", "/config/archiver.yaml"]
