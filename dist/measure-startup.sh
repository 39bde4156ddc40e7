#!/bin/bash
# Measures start-up of the runtime image: the time from launching bin/localstackmount until
# `stat -f` reports a FUSE filesystem at the mount point, the same "mount ready" the benchmark
# harness (/work/shared/bench) measures. Each run mounts, lists the root once, and is stopped with
# SIGTERM. With B_JAVA_OPTS (and C_JAVA_OPTS, D_JAVA_OPTS) set, runs alternate between
# LOCALSTACKMOUNT_JAVA_OPTS as it is (A) and those (B, C, D), so that all see the same machine load.
#
#   ENDPOINT=http://127.0.0.1:9000 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... dist/measure-startup.sh [RUNS]
#   IMAGE=dir B_JAVA_OPTS="-Xshare:off" dist/measure-startup.sh 10
#
# ENDPOINT defaults to LocalStack's http://localhost:4566 (credentials test/test unless set).
# Prints one line per run and the median, min and max in ms per variant, the JVM's CPU time until
# mount-ready (user + system of all its threads: a figure that machine load disturbs far less than
# wall time), and the load average.
set -euo pipefail
RUNS=${1:-10}
here=$(cd "$(dirname "$0")" && pwd)
IMAGE=${IMAGE:-$here/target/localstackmount}
ENDPOINT=${ENDPOINT:-http://localhost:4566}
A_OPTS=${LOCALSTACKMOUNT_JAVA_OPTS:-}
MNT=$(mktemp -d /tmp/lsm-startup.XXXXXX)
LOG=$MNT.log
cleanup() {
  if [[ -n ${PID:-} ]] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; fi
  fusermount -u -z "$MNT" 2>/dev/null || true
  rmdir "$MNT" 2>/dev/null || true
  rm -f "$LOG"
}
trap cleanup EXIT

declare -A times cpus
declare -A opts_of
opts_of[A]=$A_OPTS
variants=(A)
for v in B C D; do
  var=${v}_JAVA_OPTS
  if [[ -n ${!var:-} ]]; then variants+=("$v"); opts_of[$v]=${!var}; fi
done
for i in $(seq "$RUNS"); do
  for v in "${variants[@]}"; do
    opts=${opts_of[$v]}
    start=$(date +%s%N)
    LOCALSTACKMOUNT_JAVA_OPTS=$opts "$IMAGE/bin/localstackmount" --endpoint "$ENDPOINT" "$MNT" >"$LOG" 2>&1 &
    PID=$!
    until [[ $(stat -f -c %T "$MNT" 2>/dev/null) == fuse* ]]; do
      if ! kill -0 "$PID" 2>/dev/null; then echo "the mount exited early:"; cat "$LOG"; exit 1; fi
      sleep 0.005
    done
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    # CPU time the JVM used until then (user + system, all threads): less sensitive to machine load
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$PID/stat")
    ls "$MNT" >/dev/null
    kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
    echo "run $i $v: mount ready after $ready ms, $cpu ms CPU (load $(cut -d' ' -f1 /proc/loadavg))"
    times[$v]="${times[$v]:-} $ready"
    cpus[$v]="${cpus[$v]:-} $cpu"
  done
done
for v in "${variants[@]}"; do
  sorted=($(printf '%s\n' ${times[$v]} | sort -n))
  n=${#sorted[@]}
  label="$v (${opts_of[$v]:-defaults})"
  cpu_sorted=($(printf '%s\n' ${cpus[$v]} | sort -n))
  echo "$label: mount ready median ${sorted[$((n / 2))]} ms, min ${sorted[0]} ms, max ${sorted[$((n - 1))]} ms over $n runs;" \
       "CPU until ready median ${cpu_sorted[$((n / 2))]} ms"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
