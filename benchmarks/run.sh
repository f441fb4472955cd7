#!/bin/sh
# Runs the [bench] suite and writes benchmarks/results/latest.json (and latest.md, jmh.json,
# ingest.json beside it).
#
#   mvn -B -q package -DskipTests     # once, from the repository root
#   benchmarks/run.sh                 # the full run, about 10 minutes
#   benchmarks/run.sh --quick         # only what latest.json needs, at 10 attributes; about 4 minutes
#
# EngineBenchmark (the engine on synthetic steps) is not part of either run; run it with
#   java -jar benchmarks/target/benchmarks.jar EngineBenchmark -prof gc
#
# Everything runs on this machine, one JMH fork at a time; close other work first, the figures
# are only as quiet as the machine.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/benchmarks.jar"
results="$here/results"

mode=full
for arg in "$@"; do
  case "$arg" in
    --quick) mode=quick ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg' (expected --quick)" >&2; exit 2 ;;
  esac
done

if [ ! -f "$jar" ]; then
  echo "run.sh: $jar is missing; build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi
mkdir -p "$results"

if [ "$mode" = quick ]; then
  # Fewer benchmarks (10 attributes, 10 % PII) rather than shorter iterations: under a second
  # of warm-up leaves the pipeline half-compiled and the ratios meaningless.
  jmh_options="-f 1 -wi 2 -i 3 -w 1s -r 1s -p attributes=10 -p piiPercent=10"
  suite='EnrichmentBenchmark\.(copyOnly|pipeline|pipelineTimingsOff|handwritten|kafkaConnect|kafkaConnectRegex)$|PiiRedactionBenchmark\.(copyOnly|processor|regex)$'
  ingest_options="--quick"
else
  jmh_options="-f 1 -wi 2 -i 4 -w 1s -r 1s"
  suite='EnrichmentBenchmark|PiiRedactionBenchmark|GatewayCodecBenchmark'
  ingest_options=""
fi

started=$(date +%s)
echo "== JMH ($mode): $suite"
# shellcheck disable=SC2086 # the option lists are meant to split
java -jar "$jar" "$suite" $jmh_options -prof gc -rf json -rff "$results/jmh.json"

echo "== OTLP ingest ($mode)"
rm -f "$results/ingest.json"
if [ -x "$root/distribution/target/tributary/bin/tributary" ]; then
  # shellcheck disable=SC2086
  "$here/ingest.sh" $ingest_options || echo "run.sh: the ingest run failed; latest.json will say its figures are missing" >&2
else
  echo "run.sh: distribution/target/tributary is missing (mvn -B -q package -DskipTests builds it); skipping ingest" >&2
fi

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
java -cp "$jar" io.tributary.benchmarks.report.Report --jmh "$results/jmh.json" \
  --ingest "$results/ingest.json" --out "$results/latest.json" --markdown "$results/latest.md" \
  --mode "$mode" --commit "$commit"
echo "== done in $(( $(date +%s) - started )) s: $results/latest.json"
