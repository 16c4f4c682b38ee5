#!/bin/sh
# Builds lib/moodhaven.jsa, a CDS archive of the classes a node loads while it starts
# (the JDK's, Felix's and those the bundles define: Jetty, SCR, Jackson, Derby, ours).
# bin/moodhaven maps it when present: a start then loads those classes ready-made instead
# of reading, parsing and verifying them, about 0.3 s less (docs/benchmarks.md).
#
# How: start the node once, headless, in a throw-away data folder with any free ports; when
# it prints its banner, stop it; the JVM writes the archive as it exits. The archive only
# fits the Java runtime that made it: another one ignores it and starts the usual way.
# Any failure here leaves no archive and exits with status 1, which does not fail the build
# (the pom runs it with failonerror=false). Operators run it as `bin/moodhaven class-archive`
# after unpacking the release archive, which ships no class archive (docs/running.md).
# Usage: class-archive.sh DIST_FOLDER
set -u
DIST=$1
ARCHIVE="$DIST/lib/moodhaven.jsa"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
rm -f "$ARCHIVE" "$ARCHIVE.part"

JAVA_OPTS="-Xmx256m -Djava.io.tmpdir=$WORK -XX:ArchiveClassesAtExit=$ARCHIVE.part -Xlog:cds=off -Xlog:cds+dynamic=off" \
    "$DIST/bin/moodhaven" --data "$WORK/data" --name archive --headless --sync-port 0 --http-port 0 \
    >"$WORK/out" 2>&1 &
NODE=$!
waited=0
until grep -q "Web UI and JSON API" "$WORK/out"; do
    if ! kill -0 "$NODE" 2>/dev/null || [ "$waited" -ge 600 ]; then
        echo "class-archive: the node did not start; no class archive (starts will be slower):" >&2
        cat "$WORK/out" >&2
        kill "$NODE" 2>/dev/null
        exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
done
kill -TERM "$NODE"
wait "$NODE"
if [ -s "$ARCHIVE.part" ]; then
    mv "$ARCHIVE.part" "$ARCHIVE"
    echo "class-archive: $ARCHIVE ($(du -k "$ARCHIVE" | cut -f1) KiB)"
else
    echo "class-archive: this Java runtime wrote no archive; starts will be slower" >&2
    exit 1
fi
exit 0
