# bench/lib.sh — shell helpers of the benchmark drivers that start wtsd, servers and clients
# (bench/channels.sh, bench/sessions_rdp.sh). Sourced by bash; the caller keeps its own state in
# the variables named below: dir (its temp directory), groups (process groups it started),
# wtsd_pid, cleaned.

# Progress on stderr, or on fd BENCH_LOG_FD.
log()
{
	printf 'bench: %s\n' "$*" >&"${BENCH_LOG_FD:-2}"
}

# A port of 127.0.0.1 nobody listens on.
free_port()
{
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# Starts "$@" in a session of its own (a process group we can kill), output appended to $1; its
# pid in $started.
start()
{
	local out=$1
	shift
	setsid "$@" >>"$out" 2>&1 </dev/null &
	started=$!
	groups+=("$started")
}

# The common part of a driver's cleanup: kills every process group started, stops wtsd
# (SIGTERM, then waits), and kills and removes the session cgroups it logged in $dir/wtsd.log.
# Returns 1 when it ran already ($cleaned set).
stop_all()
{
	[ -n "$cleaned" ] && return 1
	cleaned=1
	local g
	for g in "${groups[@]}"; do
		kill -KILL -- "-$g" 2>/dev/null
	done
	if [ -n "$wtsd_pid" ]; then
		kill -TERM "$wtsd_pid" 2>/dev/null
		wait "$wtsd_pid" 2>/dev/null
	fi
	wait 2>/dev/null
	local cg
	cg=$(sed -n 's/.*sessions live under cgroup \([^ ]*\).*/\1/p' "$dir/wtsd.log" 2>/dev/null |
		head -n 1)
	if [ -n "$cg" ] && [ -d "$cg" ]; then
		echo 1 >"$cg/cgroup.kill" 2>/dev/null
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	fi
	return 0
}

# Says why the driver gives up (prefix $1), shows the end of each non-empty file of $2...,
# and exits 1 (the EXIT trap cleans up).
fail_with_logs()
{
	log "$1"
	shift
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf -- '--- %s\n' "$(basename "$f")" >&2
		tail -n 15 "$f" >&2
	done
	exit 1
}
