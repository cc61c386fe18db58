#!/bin/sh
# run-fuzz.sh FUZZER CORPUS — a short libFuzzer run (FUZZ_SECONDS, default 30) that never writes
# into the source tree: new inputs go to ./corpus.run, crashes to ./artifacts/.
set -eu
rm -rf corpus.run
mkdir -p corpus.run artifacts
exec "$1" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=4096 -artifact_prefix=artifacts/ \
	corpus.run "$2"
