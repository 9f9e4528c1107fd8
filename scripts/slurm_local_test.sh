#!/bin/bash
# The Slurm path of sharded runs, for real: install Debian's slurm-wlm and munge, start a
# one-node cluster on localhost (munged, slurmctld, slurmd run directly, no systemd, no
# cgroups), submit deploy/slurm/submit.sh's job array + afterok merge on a synthetic road graph
# and compare the merged files byte for byte with single runs. Exits non-zero on any
# difference. Needs root on Debian/Ubuntu (apt-get) or slurm-wlm and munge already installed.
#
#   cargo build --release && scripts/slurm_local_test.sh [path/to/regionlink]
#
# Env: N (shards, default 4), WORK (scratch directory, default a new /tmp/regionlink-slurm.*),
# NODES (synthetic road nodes, default 20000). The daemons it starts are stopped on exit.
set -euo pipefail
t0=$(date +%s)
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-${REGIONLINK:-$repo/target/release/regionlink}}")
n=${N:-4}
work=${WORK:-$(mktemp -d /tmp/regionlink-slurm.XXXXXX)}
mkdir -p "$work"
work=$(realpath "$work")
say() { echo "slurm_local_test: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
t_install=$(date +%s)

pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
    done
}
trap cleanup EXIT

# munge: a key, its directories, the daemon (as root: --force).
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chmod 400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
    munged --force --foreground --socket=/run/munge/munge.socket.2 \
        --pid-file="$work/munged.pid" --log-file="$work/munged.log" >>"$work/munged.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.2; done
fi
munge -n | unmunge >/dev/null || { say "munge does not work"; exit 1; }

# A one-node cluster on this host.
host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$work/slurm/state" "$work/slurm/spool"
export SLURM_CONF=$work/slurm/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=regionlink-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=600
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd.pid
SlurmctldLogFile=$work/slurm/slurmctld.log
SlurmdLogFile=$work/slurm/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurm/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$work/slurm/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then break; fi
    sleep 0.3
done
sinfo -h -o '%P %T %c cpus' | sed 's/^/slurm_local_test: node: /'
t_up=$(date +%s)

# Inputs, and the single runs to compare with.
cd "$work"
"$bin" --quiet synth --nodes "${NODES:-20000}" --seed 3 --units 60 --out synth >/dev/null
A=(--units synth/units.geojson --links synth/links.csv --study synth/study.toml --roads synth)
"$bin" --quiet access "${A[@]}" --network road --bands 30,60 --out single_access.csv >/dev/null
"$bin" --quiet matrix "${A[@]}" --max-minutes 90 --out single_matrix.csv
t_single=$(date +%s)

# The arrays and their merges, through the shipped wrapper.
export REGIONLINK=$bin
read -r a1 m1 < <("$repo/deploy/slurm/submit.sh" "$n" parts_access merged_access.csv \
    access "${A[@]}" --network road --bands 30,60)
read -r a2 m2 < <("$repo/deploy/slurm/submit.sh" "$n" parts_matrix merged_matrix.csv \
    matrix "${A[@]}" --max-minutes 90)
say "submitted access: array $a1 + merge $m1; matrix: array $a2 + merge $m2 (N = $n)"
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$a1,$m1,$a2,$m2" 2>/dev/null)" ] && break
    sleep 1
done
fail=0
for j in "$a1" "$m1" "$a2" "$m2"; do
    state=$(scontrol show job "$j" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort -u | tr '\n' ' ')
    say "job $j: $state"
    case "$state" in *COMPLETED*) ;; *) fail=1 ;; esac
    case "$state" in *FAILED*|*CANCELLED*|*PENDING*|*RUNNING*|*TIMEOUT*) fail=1 ;; esac
done
t_done=$(date +%s)
for k in access matrix; do
    if cmp "single_$k.csv" "merged_$k.csv"; then
        say "$k: merged output of $n shards is byte-identical to the single run ($(wc -c < "single_$k.csv") bytes)"
    else
        say "$k: merged output DIFFERS from the single run"
        fail=1
    fi
done
if [ "$fail" != 0 ]; then
    tail -n 20 "$work"/regionlink-*.out "$work/slurm/slurmctld.log" "$work/slurm/slurmd.log" 2>/dev/null || true
    say "FAILED (work directory $work)"
    exit 1
fi
say "ok in $((t_done - t0)) s: install $((t_install - t0)) s, cluster up $((t_up - t_install)) s, synth + single runs $((t_single - t_up)) s, arrays + merges $((t_done - t_single)) s"
