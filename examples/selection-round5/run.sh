#!/usr/bin/env sh
# Runs one candidate of the fifth selection round over the validation folds V1-V4 (see README.md).
#   examples/selection-round5/run.sh NAME [extra fraud prequential options]
# Writes NAME.txt into $OUT (default: the current directory). Needs ../shared/data/fdh beside the repository.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
NAME=$1; shift
OUT=${OUT:-.}
DATA=${DATA:-$ROOT/../shared/data/fdh/transactions-2018-04-to-08.csv.gz}
taskset -c 1 "$ROOT/fraud" prequential --format fdh --in "$DATA" --pipeline handbook-plus \
    --first-test 2018-07-04 --last-test 2018-07-25 --xgb num_parallel_tree=5 "$@" > "$OUT/$NAME.txt"
