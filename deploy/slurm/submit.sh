#!/bin/bash
# Submit a sharded regionlink run to Slurm: a job array of N shards, then the merge with
# --dependency=afterok on the array (it runs once every shard has exited 0; if one fails, the
# merge never starts and squeue shows it as DependencyNeverSatisfied).
#
#   deploy/slurm/submit.sh N PARTS_DIR OUT regionlink-subcommand [options…]
#   deploy/slurm/submit.sh 8 parts access.csv access --units u.geojson --roads synth1m --network road
#
# Prints the two job ids ("ARRAY_ID MERGE_ID"). Set REGIONLINK to the binary's path if it is
# not on the PATH of the compute nodes; extra sbatch options (partition, account, memory) go in
# SBATCH_ARGS, e.g. SBATCH_ARGS="--partition=short --mem=2G".
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 N PARTS_DIR OUT subcommand [options…]" >&2
    exit 1
fi
n=$1
parts=$2
out=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$parts"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --export=ALL --array="0-$((n - 1))" \
    "$here/regionlink-array.sbatch" "$n" "$parts" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --export=ALL --dependency="afterok:${array}" \
    "$here/regionlink-merge.sbatch" "$parts" "$out")
merge=${merge%%;*}
echo "$array $merge"
