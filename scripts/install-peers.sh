#!/usr/bin/env bash
# Installs the real peers the differential tests run against, from Debian's packages:
# Prometheus and promtool (2.42), Alertmanager, node_exporter, Pushgateway, VictoriaMetrics (a
# long-term store that takes remote write), Chromium for the UI tests, and python3-requests for
# the seed's own test_prometheus.py, and faketime (libfaketime) for the clock-jump tests.
# Idempotent and quiet.
set -euo pipefail
pkgs=(prometheus prometheus-alertmanager prometheus-node-exporter prometheus-pushgateway victoria-metrics chromium python3-requests faketime)
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
# Debian's packages start their services where an init system runs; the tests start their own.
# A policy-rc.d that answers 101 keeps invoke-rc.d from starting any service during this install,
# so nothing is started that would then have to be stopped (and nothing is stopped by name).
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  own_policy=1
fi
cleanup() { [ -n "$own_policy" ] && $SUDO rm -f "$policy"; return 0; }
trap cleanup EXIT
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Where systemd runs, the units this install brought are disabled and stopped by unit name.
if [ -d /run/systemd/system ]; then
  for s in prometheus prometheus-alertmanager prometheus-node-exporter prometheus-pushgateway victoria-metrics; do
    $SUDO systemctl disable --now "$s" >/dev/null 2>&1 || true
  done
fi
echo "install-peers: installed ${missing[*]}"
