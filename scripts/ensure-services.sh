#!/usr/bin/env bash
# Makes sure the services that the PostgreSQL and NATS tests need are installed and running on
# loopback (Debian packages postgresql and nats-server). Tests that need them skip with a visible
# message where they are absent; CI calls this first so that they run.
set -uo pipefail

have_port() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=0
apt_install() {
  [ "$apt_updated" = 1 ] || { as_root apt-get update -qq && apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

if ! have_port 5432; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql || echo "ensure-services: could not install postgresql"
  if command -v pg_ctlcluster >/dev/null; then
    for v in /etc/postgresql/*; do as_root pg_ctlcluster --skip-systemctl-redirect "$(basename "$v")" main start || true; done
  fi
fi
if ! have_port 4222; then
  command -v nats-server >/dev/null || apt_install nats-server || echo "ensure-services: could not install nats-server"
  if command -v nats-server >/dev/null; then
    as_root mkdir -p /var/lib/nats-server
    as_root start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  fi
fi
# zstd (Debian package): `patchcast publish` makes binary deltas with `zstd --patch-from` (agents
# decode them with WebAssembly); the delta tests skip visibly without it.
if ! command -v zstd >/dev/null; then
  command -v apt-get >/dev/null && apt_install zstd || echo "ensure-services: could not install zstd"
fi
for i in $(seq 1 20); do # python3-venv: the pip installer conformance suite makes real virtual environments (it skips
# visibly without them). Installed only when missing; never fails the run when apt is unavailable.
if command -v python3 >/dev/null && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  echo "ensure-services: installing python3-venv (Debian package) for the pip installer tests"
  command -v apt-get >/dev/null && apt_install python3-venv || echo "ensure-services: could not install python3-venv"
fi
have_port 5432 && have_port 4222 && break; sleep 0.5; done
# The tests' database (PATCHCAST_TEST_PG=postgres://postgres@127.0.0.1:5432/test); each test run
# works in its own fresh schema or database inside it and drops it afterwards.
if have_port 5432 && command -v psql >/dev/null; then
  as_postgres() { if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if ! as_postgres psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1; then
    as_postgres createdb -h 127.0.0.1 -U postgres test 2>/dev/null || as_postgres createdb test || echo "ensure-services: could not create the test database"
  fi
fi
# Headless Chromium renders the HTML compliance report in the vulns tests (they skip visibly
# without it). Installed only when missing; never fails the run when apt is unavailable.
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-services: installing chromium (Debian package) for the HTML report render test"
  command -v apt-get >/dev/null && apt_install --no-install-recommends chromium || echo "ensure-services: could not install chromium"
fi
# rpm and rpmbuild (Debian package rpm): the RPM ordering oracle, the rpm collector and the rpm
# installer conformance suite build and query real .rpm files (they skip visibly without them).
# Installed only when missing; never fails the run when apt is unavailable.
if ! command -v rpm >/dev/null || ! command -v rpmbuild >/dev/null; then
  echo "ensure-services: installing rpm (Debian package) for the RPM tests"
  command -v apt-get >/dev/null && apt_install rpm || echo "ensure-services: could not install rpm"
fi
# cpio (Debian package cpio): the agent package tests unpack the .rpm with rpm2cpio | cpio.
if ! command -v cpio >/dev/null; then
  echo "ensure-services: installing cpio (Debian package) for the agent package tests"
  command -v apt-get >/dev/null && apt_install cpio || echo "ensure-services: could not install cpio"
fi
# openssl: the independent check of the certificates and CRLs Patchcast makes (TLS tests).
if ! command -v openssl >/dev/null; then
  echo "ensure-services: installing openssl (Debian package) for the certificate checks"
  command -v apt-get >/dev/null && apt_install openssl || echo "ensure-services: could not install openssl"
fi
have_port 5432 && echo "ensure-services: PostgreSQL on 127.0.0.1:5432" || echo "ensure-services: PostgreSQL NOT available"
have_port 4222 && echo "ensure-services: NATS on 127.0.0.1:4222" || echo "ensure-services: NATS NOT available"
[ -x /usr/bin/chromium ] && echo "ensure-services: chromium at /usr/bin/chromium" || echo "ensure-services: chromium NOT available"
command -v rpmbuild >/dev/null && echo "ensure-services: rpm $(rpm --version | cut -d' ' -f3)" || echo "ensure-services: rpm NOT available"
python3 -c 'import ensurepip, venv' 2>/dev/null && echo "ensure-services: python3 venv available" || echo "ensure-services: python3 venv NOT available"
exit 0
