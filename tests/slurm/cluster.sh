#!/bin/bash
# A throw-away Slurm cluster on this machine for tests: munged + slurmctld + N slurmd (root only).
#
#   cluster.sh start DIR [NODES]   configs, state and logs in DIR (its parents must be world-
#                                  executable: munged checks); NODES > 1 emulates nodes
#                                  n1..nN (multiple-slurmd mode), with a topology.conf that puts
#                                  n1..n(N-1) under switch leaf1 and nN under leaf2
#   cluster.sh env DIR             the variables jobs and clients need (eval it)
#   cluster.sh wait DIR JOBID [SECONDS]  poll the job until it ends (default 120 s, then scancel);
#                                  prints "STATE EXITCODE", status 0 only for COMPLETED
#   cluster.sh stop DIR            cancel jobs, stop the daemons by their recorded PIDs
#
# No systemd: each daemon runs in the foreground (-D/-F) in the background of this script and
# its PID goes to DIR/pids/NAME ("PID COMM"); stop kills exactly those PIDs, after checking
# /proc/PID/comm.  Emulated node nI runs its slurmd in its own UTS namespace (hostname nI: Open
# MPI's shared-memory segments are named after the host, and MPI_Get_processor_name must tell the
# nodes apart) and mount namespace (a private /etc/hosts naming the nodes, so the machine's
# /etc/hosts is untouched).  Needs slurmctld, slurmd, slurm-client, munge and util-linux.
set -u

cl_die() { echo "cluster.sh: $*" >&2; return 1; }

cl_setup() {  # DIR: derived paths
	D=$1
	CONF=$D/etc/slurm.conf
	MSOCK=$D/munge/run/munge.socket
}

cl_nodes() { if [ "$NODES" -eq 1 ]; then hostname -s; else seq -f 'n%g' 1 "$NODES"; fi; }

cl_launch() {  # NAME COMM CMD...: start CMD in the background, record its PID
	local name=$1 comm=$2; shift 2
	# close inherited descriptors above 2 so a test harness pipe is not held open by daemons
	(
		for fd in /proc/"$BASHPID"/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
		exec "$@" >>"$D/log/$name.out" 2>&1 </dev/null
	) &
	echo "$! $comm" >"$D/pids/$name"
}

cl_alive() {  # PIDFILE: the recorded PID still runs the recorded program (not a zombie)
	local pid comm
	read -r pid comm <"$1" 2>/dev/null || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
	! grep -q '^State:[[:space:]]*[ZX]' "/proc/$pid/status" 2>/dev/null
}

cl_until() {  # SECONDS CMD...: poll CMD every 0.2 s
	local limit=$1 t0=$SECONDS; shift
	until "$@" >/dev/null 2>&1; do
		[ $((SECONDS - t0)) -ge "$limit" ] && return 1
		sleep 0.2
	done
}

cl_all_idle() {
	[ "$(SLURM_CONF=$CONF sinfo -h -N -o '%N %T' 2>/dev/null | awk '$2 == "idle"' | sort -u | wc -l)" -eq "$NODES" ]
}

cl_write_config() {
	local n port=$1 cpus mem nodeline plist
	mkdir -p "$D"/etc "$D"/spool/ctld "$D"/log "$D"/run "$D"/pids "$D"/tmp "$D"/munge/etc "$D"/munge/run
	chmod 755 "$D" "$D/etc" "$D/munge" "$D/munge/run"   # munged: socket dir must be world-executable
	chmod 700 "$D/munge/etc"
	chmod 1777 "$D/tmp"
	for n in $(cl_nodes); do mkdir -p "$D/spool/slurmd-$n" "$D/tmp/$n"; chmod 1777 "$D/tmp/$n"; done
	cpus=2
	mem=$(awk -v n="$NODES" '/^MemTotal/ { printf "%d", $2 / 1024 * 0.5 / n }' /proc/meminfo)
	if [ "$NODES" -eq 1 ]; then
		n=$(hostname -s); plist=$n
		nodeline="NodeName=$n NodeAddr=127.0.0.1 Port=$((port + 1))"
	else
		plist="n[1-$NODES]"
		nodeline="NodeName=$plist NodeHostname=$plist NodeAddr=127.0.0.1 Port=$((port + 1))-$((port + NODES))"
	fi
	cat >"$CONF" <<CONF
# written by cpobench tests/slurm/cluster.sh
ClusterName=cbtest
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MSOCK
StateSaveLocation=$D/spool/ctld
SlurmdSpoolDir=$D/spool/slurmd-%n
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd-%n.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd-%n.log
# mpi/pmix puts its per-step directories in TmpFS: one per emulated node, or they collide
TmpFS=$D/tmp/%n
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# the default batch_sched_delay=3 makes every batch job wait 2-3 s
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
EnforcePartLimits=ALL
ReturnToService=2
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
$nodeline CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$plist Default=YES MaxTime=INFINITE State=UP
CONF
	if [ "$NODES" -gt 1 ]; then
		echo "TopologyPlugin=topology/tree" >>"$CONF"
		{
			echo "# leaf1: n1..n$((NODES - 1)), leaf2: n$NODES"
			if [ "$NODES" -eq 2 ]; then echo "SwitchName=leaf1 Nodes=n1"; else echo "SwitchName=leaf1 Nodes=n[1-$((NODES - 1))]"; fi
			echo "SwitchName=leaf2 Nodes=n$NODES"
			echo "SwitchName=spine Switches=leaf[1-2]"
		} >"$D/etc/topology.conf"
		{ cat /etc/hosts; for n in $(cl_nodes); do echo "127.0.0.1 $n"; done; } >"$D/etc/hosts"
		chmod 644 "$D/etc/topology.conf" "$D/etc/hosts"
	fi
	chmod 644 "$CONF"
	if command -v mungekey >/dev/null; then mungekey -c -k "$D/munge/etc/munge.key" >/dev/null 2>&1
	else dd if=/dev/urandom of="$D/munge/etc/munge.key" bs=1024 count=1 status=none; fi
	chmod 600 "$D/munge/etc/munge.key"
}

cl_start() {  # DIR NODES
	cl_setup "$1"
	NODES=${2:-1}
	[ "$(id -u)" -eq 0 ] || { cl_die "must run as root (slurmd)"; return 1; }
	# a port per run, so two test runs (make check, make distcheck) do not meet
	local port=$((20000 + ($$ % 900) * 10)) n
	cl_write_config "$port"
	cl_launch munged munged /usr/sbin/munged -F --socket="$MSOCK" --key-file="$D/munge/etc/munge.key" \
		--log-file="$D/log/munged.log" --pid-file="$D/munge/run/munged.pid" --seed-file="$D/munge/etc/seed"
	cl_until 20 sh -c "munge -n -S '$MSOCK' | unmunge -S '$MSOCK'" || { cl_die "munged did not start"; return 1; }
	if [ "$NODES" -eq 1 ]; then
		cl_launch slurmctld slurmctld /usr/sbin/slurmctld -D -f "$CONF"
	else
		cl_launch slurmctld slurmctld unshare --mount /bin/sh -c \
			"mount --bind '$D/etc/hosts' /etc/hosts && exec /usr/sbin/slurmctld -D -f '$CONF'"
	fi
	cl_until 30 sh -c "SLURM_CONF='$CONF' scontrol ping | grep -q 'is UP'" || { cl_die "slurmctld did not start"; return 1; }
	for n in $(cl_nodes); do
		if [ "$NODES" -eq 1 ]; then
			cl_launch "slurmd-$n" slurmd /usr/sbin/slurmd -D -f "$CONF" -N "$n"
		else
			cl_launch "slurmd-$n" slurmd unshare --uts --mount /bin/sh -c \
				"mount --bind '$D/etc/hosts' /etc/hosts && hostname $n && exec /usr/sbin/slurmd -D -f '$CONF' -N $n"
		fi
	done
	cl_until 60 cl_all_idle || { cl_die "nodes not idle after 60 s"; return 1; }
}

cl_env() {  # DIR
	cl_setup "$1"
	echo "export SLURM_CONF=$CONF"
	# emulated nodes share the host's interfaces: keep Open MPI's TCP on loopback
	echo "export OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo"
}

cl_wait() {  # DIR JOBID [SECONDS]
	cl_setup "$1"
	local jid=$2 limit=${3:-120} t0=$SECONDS line state
	while :; do
		line=$(SLURM_CONF=$CONF scontrol -o show job "$jid" 2>/dev/null) || { echo "UNKNOWN -"; return 1; }
		state=$(sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p' <<<"$line")
		case $state in PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED) ;; *) break ;; esac
		if [ $((SECONDS - t0)) -ge "$limit" ]; then
			SLURM_CONF=$CONF scancel "$jid" 2>/dev/null
			echo "TIMEOUT -"
			return 1
		fi
		sleep 0.2
	done
	echo "$state $(sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' <<<"$line")"
	[ "$state" = COMPLETED ]
}

cl_stop() {  # DIR
	cl_setup "$1"
	local f pid comm
	[ -d "$D/pids" ] || return 0
	if [ -f "$D/pids/slurmctld" ] && cl_alive "$D/pids/slurmctld"; then
		# shellcheck disable=SC2046  # job ids
		SLURM_CONF=$CONF scancel $(SLURM_CONF=$CONF squeue -h -o %i 2>/dev/null) 2>/dev/null
	fi
	# slurmd first, then slurmctld, then munged
	for f in "$D"/pids/slurmd-* "$D/pids/slurmctld" "$D/pids/munged"; do
		[ -f "$f" ] || continue
		read -r pid comm <"$f"
		if cl_alive "$f"; then
			kill -TERM "$pid" 2>/dev/null
			for _ in $(seq 50); do cl_alive "$f" || break; sleep 0.2; done
			cl_alive "$f" && kill -KILL "$pid" 2>/dev/null
		fi
		rm -f "$f"
	done
	return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	cmd=${1:-}; shift || true
	case $cmd in
	start) cl_start "$@" ;;
	env) cl_env "$@" ;;
	wait) cl_wait "$@" ;;
	stop) cl_stop "$@" ;;
	*) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
fi
