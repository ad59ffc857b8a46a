#!/usr/bin/env bash
# Installs the real peers the differential tests run against, from Debian's packages:
# Prometheus and promtool (2.42), Alertmanager, node_exporter, Pushgateway, VictoriaMetrics (a
# long-term store that takes remote write), Chromium for the UI tests, and python3-requests for
# the seed's own test_prometheus.py. Idempotent and quiet.
set -euo pipefail
pkgs=(prometheus prometheus-alertmanager prometheus-node-exporter prometheus-pushgateway victoria-metrics chromium python3-requests)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all peers present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's packages start services where an init system runs; the tests start their own.
for s in prometheus prometheus-alertmanager prometheus-node-exporter prometheus-pushgateway; do
  pkill -x "$s" 2>/dev/null || true
done
pkill -f '^/usr/bin/victoria-metrics' 2>/dev/null || true
echo "install-peers: installed ${missing[*]}"
