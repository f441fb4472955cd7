#!/bin/sh
# The OTLP ingest benchmark: starts the built server (distribution/target/tributary) on free
# ports with a fresh data dir, loads it with 100-span protobuf batches (closed loop to saturation,
# then open loop at 50 % and 80 % of it), with the default pipeline (spans, then log records on
# /v1/logs) and then an empty one, and
# writes benchmarks/results/ingest.json. About 4.5 minutes; --quick about 3.
#
#   mvn -B -q package -DskipTests && benchmarks/ingest.sh [--quick]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/results"
exec java -cp "$here/target/benchmarks.jar" io.tributary.benchmarks.ingest.IngestLoad \
  --home "$root/distribution/target/tributary" --out "$here/results/ingest.json" "$@"
