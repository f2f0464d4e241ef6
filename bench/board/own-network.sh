#!/bin/sh
# Runs a command in a network namespace of its own, with only a loopback interface: Espruino's
# Linux build listens for its telnet console on the fixed TCP port 2323, so each run that drives an
# interpreter (with its broker and clients) needs its own 127.0.0.1. As root (CI) it uses
# `unshare -n`; otherwise `unshare -rn` (a user namespace: needs unprivileged user namespaces,
# e.g. sysctl kernel.unprivileged_userns_clone=1 on Debian, and no AppArmor rule against them).
# Needs util-linux's unshare and iproute2's ip. Usage: own-network.sh COMMAND [ARGS...]
set -e
if [ "$(id -u)" = 0 ]; then flag=-n; else flag=-rn; fi
exec unshare $flag sh -c 'ip link set lo up && exec "$@"' own-network "$@"
