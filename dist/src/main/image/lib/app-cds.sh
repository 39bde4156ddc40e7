#!/bin/sh
# Creates the image's application class-data-sharing archive, lib/app-cds.jsa, from a training run:
# the image itself mounts its embedded S3 server in a temp folder, is used a little (list, read,
# write, rename, delete) and is stopped with SIGTERM; the JVM writes every class it loaded from the
# module path into the archive at exit (-XX:ArchiveClassesAtExit). Later starts map those classes
# instead of loading and verifying them (see dist/README.md for what it saves).
#
#   sh lib/app-cds.sh [IMAGE_DIR]        run by `mvn package` on the new image; exits 0 without an
#                                         archive when the training run cannot mount (no /dev/fuse)
#
# The archive is only valid for the image at this path with exactly these jars: the launcher uses it
# only when lib/app-cds.home names its own folder, and the JVM itself ignores it when a jar changed.
# After copying the image elsewhere, run `sh lib/app-cds.sh` in the copy to make one for it.
# An archive is checked (-Xshare:on) before it is put in place, because a damaged one crashes the JVM.
set -u
image=$(cd "${1:-$(dirname "$0")/..}" && pwd -P) || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/lsm-cds.XXXXXX") || exit 1
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        wait "$pid" 2>/dev/null
    fi
    fusermount -u -z "$work/mnt" 2>/dev/null || fusermount3 -u -z "$work/mnt" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
skip() {
    echo "app-cds: no application CDS archive ($1); the image works without it, start-up is slower" >&2
    exit 0
}

rm -f "$image/lib/app-cds.jsa" "$image/lib/app-cds.home"
[ "${APP_CDS:-true}" != false ] || skip "-Dapp-cds=false"
[ -c /dev/fuse ] || skip "no /dev/fuse"
command -v fusermount >/dev/null 2>&1 || command -v fusermount3 >/dev/null 2>&1 || skip "no fusermount"

# A clean, private environment: no AWS settings or config files of the person building.
mkdir -p "$work/home" "$work/mnt"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_HOME="$work/home/.local/share"
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p; s/^\(LOCALSTACKMOUNT_[A-Z_]*\)=.*/\1/p; s/^\(LOCALSTACK_ENDPOINT\)=.*/\1/p'); do
    unset "$v"
done

LOCALSTACKMOUNT_JAVA_OPTS="-XX:ArchiveClassesAtExit=$work/app-cds.jsa -Xlog:cds=off -Xlog:cds+dynamic=off" \
    "$image/bin/localstackmount" --embedded --embedded-data "$work/data" "$work/mnt" >"$work/log" 2>&1 &
pid=$!
tries=0
while true; do
    case $(stat -f -c %T "$work/mnt" 2>/dev/null) in fuse*) break ;; esac
    kill -0 "$pid" 2>/dev/null || { sed 's/^/app-cds:   /' "$work/log" >&2; pid=; skip "the training mount failed"; }
    tries=$((tries + 1))
    [ "$tries" -lt 1200 ] || skip "the training mount did not come up within 60 s"
    sleep 0.05
done
# The operations of a typical session, so that their classes are archived too.
(
    cd "$work/mnt/sample" || exit 1
    ls -la >/dev/null && cat README.txt >/dev/null
    echo training >cds-training.txt && cat cds-training.txt >/dev/null
    mkdir cds-dir && mv cds-training.txt cds-dir/moved.txt && rm -r cds-dir
) || echo "app-cds: the training session had errors; the archive covers less" >&2
kill -TERM "$pid"
wait "$pid" 2>/dev/null
pid=
[ -s "$work/app-cds.jsa" ] || { sed 's/^/app-cds:   /' "$work/log" >&2; skip "the JVM wrote no archive"; }
# -Xshare:on fails instead of silently ignoring an archive that cannot be mapped.
LOCALSTACKMOUNT_JAVA_OPTS="-XX:SharedArchiveFile=$work/app-cds.jsa -Xshare:on" "$image/bin/localstackmount" --help >/dev/null 2>"$work/check" \
    || { sed 's/^/app-cds:   /' "$work/check" >&2; skip "the archive does not load"; }
mv "$work/app-cds.jsa" "$image/lib/app-cds.jsa"
printf '%s\n' "$image" >"$image/lib/app-cds.home"
echo "app-cds: created $image/lib/app-cds.jsa ($(du -k "$image/lib/app-cds.jsa" | cut -f1) KiB)"
