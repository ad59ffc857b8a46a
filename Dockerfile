# prometheus-ts as a drop-in for prom/prometheus: same ENTRYPOINT contract (flags only in CMD),
# same paths (/etc/prometheus/prometheus.yml, /prometheus), same port. The seed's Dockerfile
# works with `FROM prometheus-ts` in place of `FROM prom/prometheus:v2.48.0`, CMD unchanged.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# npm ci builds dist/ (prepare); then only the runtime dependencies are kept.
RUN npm ci && npm prune --omit=dev

# The image carries what runs and nothing else: dist/, bin/, the runtime node_modules and the
# default config — no sources, tests or dev dependencies.
FROM node:20-bookworm-slim
# prom/prometheus is busybox-based and has wget; compose files' healthchecks call it.
RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*
WORKDIR /prometheus
COPY --from=build /app/package.json /app/prometheus.yml /app/
COPY --from=build /app/bin /app/bin
COPY --from=build /app/dist /app/dist
COPY --from=build /app/node_modules /app/node_modules
# `prometheus` and `promtool` on the PATH as in prom/prometheus, so `docker exec prometheus
# promtool check rules …` works unchanged; `alertmanager` too (alertmanager-ts: give it a
# --storage.path on a writable volume, the image runs as nobody).
RUN mkdir -p /etc/prometheus /prometheus \
 && ln -s /app/bin/prometheus-ts.js /usr/local/bin/prometheus \
 && ln -s /app/bin/promtool-ts.js /usr/local/bin/promtool \
 && ln -s /app/bin/alertmanager-ts.js /usr/local/bin/alertmanager \
 && cp /app/prometheus.yml /etc/prometheus/prometheus.yml \
 && chown -R nobody:nogroup /etc/prometheus /prometheus
USER nobody
EXPOSE 9090
VOLUME ["/prometheus"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD wget -q -O /dev/null http://127.0.0.1:9090/-/healthy || exit 1
ENTRYPOINT ["node", "/app/bin/prometheus-ts.js"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
