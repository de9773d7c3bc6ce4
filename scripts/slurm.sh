#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests that submit
# deploy/slurm/briefing-array.sbatch to a real scheduler: Debian's slurm-wlm
# and munge, installed if missing; a generated munge key and slurm.conf
# (this host's name and CPU count, no cgroups, so that it runs as root in a
# container without systemd); munged, slurmctld and slurmd started as
# daemons with their state, spool, logs and pid files under one folder.
#
# Usage: scripts/slurm.sh start   prints the slurm.conf to export as SLURM_CONF
#        scripts/slurm.sh stop    stops the daemons `start` started
#
# The folder is $BRIEFING_SLURM_DIR (default /tmp/briefing-slurm). `start`
# on a running cluster only waits for its node to be idle; `stop` on a
# stopped one does nothing.
set -euo pipefail
here=$(dirname "$0")
dir=${BRIEFING_SLURM_DIR:-/tmp/briefing-slurm}
conf=$dir/slurm.conf
socket=$dir/munge/munge.socket
daemons=(slurmd slurmctld munged)

# Installs the Debian packages whose commands are missing.
install() {
    local missing=()
    command -v munged >/dev/null || missing+=(munge)
    command -v slurmctld >/dev/null || missing+=(slurm-wlm)
    if [ ${#missing[@]} -gt 0 ]; then
        bash "$here/apt-install.sh" "${missing[@]}"
    fi
}

# The pid a daemon wrote, if that process still runs.
running() {
    local pid
    pid=$(cat "$dir/run/$1.pid" 2>/dev/null) || return 1
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Writes the munge key once: every daemon and client of this cluster shares it.
munge_key() {
    mkdir -p "$dir/munge" "$dir/run" "$dir/log" "$dir/state" "$dir/spool"
    chmod 755 "$dir/munge"
    if [ ! -s "$dir/munge/munge.key" ]; then
        mungekey --create --keyfile="$dir/munge/munge.key"
        chmod 600 "$dir/munge/munge.key"
    fi
}

# slurm.conf for one node named as this host, with its CPUs; the plugins that
# need cgroups or systemd are replaced by those that do not.
write_conf() {
    local host cpus
    host=$(hostname -s)
    cpus=$(nproc)
    cat >"$conf.tmp" <<EOF
ClusterName=briefing
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    mv "$conf.tmp" "$conf"
}

start_daemons() {
    if ! running munged >/dev/null; then
        # --force: munged refuses to run as root otherwise.
        munged --force --socket="$socket" --key-file="$dir/munge/munge.key" \
            --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
            --seed-file="$dir/munge/munged.seed"
    fi
    export SLURM_CONF=$conf
    if ! running slurmctld >/dev/null; then
        slurmctld -f "$conf"
    fi
    if ! running slurmd >/dev/null; then
        slurmd -f "$conf"
    fi
}

# Waits until the node takes jobs (idle; or running some, when `start` finds
# the cluster already up and busy); shows the logs if it never does.
wait_idle() {
    local state
    for _ in $(seq 60); do
        state=$(SLURM_CONF=$conf sinfo --noheader --format=%T 2>/dev/null || true)
        case $state in
        idle | mixed | allocated) return 0 ;;
        esac
        sleep 1
    done
    echo "slurm.sh: the node is not idle after 60 s (state: ${state:-none}); logs in $dir/log:" >&2
    tail -n 20 "$dir"/log/*.log >&2
    exit 1
}

start() {
    install
    munge_key
    # A running cluster keeps the configuration it was started with.
    if ! running slurmctld >/dev/null; then
        write_conf
    fi
    start_daemons
    wait_idle
    echo "$conf"
}

# Cancels the jobs left on this cluster (all of them are ours), so that no
# job step outlives the daemons, and waits up to 10 s for them to end.
cancel_jobs() {
    running slurmctld >/dev/null || return 0
    export SLURM_CONF=$conf
    squeue --noheader --format=%A 2>/dev/null | xargs -r scancel --full --quiet || true
    for _ in $(seq 50); do
        [ -z "$(squeue --noheader --format=%A 2>/dev/null)" ] && return 0
        sleep 0.2
    done
}

# Stops each daemon `start` started, by the pid it wrote, and waits for it.
stop() {
    local daemon pid
    cancel_jobs
    for daemon in "${daemons[@]}"; do
        pid=$(running "$daemon") || continue
        kill "$pid"
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid"
        fi
        rm -f "$dir/run/$daemon.pid"
    done
}

case ${1:-} in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
