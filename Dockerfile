# prometheus-ts as a drop-in for prom/prometheus: same ENTRYPOINT contract (flags only in CMD),
# same paths (/etc/prometheus/prometheus.yml, /prometheus), same port. The seed's Dockerfile
# works with `FROM prometheus-ts` in place of `FROM prom/prometheus:v2.48.0`, CMD unchanged.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /prometheus
COPY --from=build /app /app
# `prometheus` and `promtool` on the PATH as in prom/prometheus, so `docker exec prometheus
# promtool check rules …` works unchanged.
RUN mkdir -p /etc/prometheus /prometheus \
 && ln -s /app/bin/prometheus-ts.js /usr/local/bin/prometheus \
 && ln -s /app/bin/promtool-ts.js /usr/local/bin/promtool \
 && cp /app/prometheus.yml /etc/prometheus/prometheus.yml \
 && chown -R nobody:nogroup /etc/prometheus /prometheus
USER nobody
EXPOSE 9090
VOLUME ["/prometheus"]
ENTRYPOINT ["node", "/app/bin/prometheus-ts.js"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
