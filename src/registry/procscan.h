/*
 * procscan.h - enumerate Linux processes from procfs for wtsd.
 *
 * wtsd answers WTSEnumerateProcesses(Ex) and ProcessIdToSessionId from this scanner. It reads
 * only what those calls need (owner, POSIX session, parent, name, cgroup v2 path and, at level 1,
 * the WTS_PROCESS_INFO_EX counters) straight from procfs with raw system calls, because the
 * daemon may enumerate a few thousand processes per request and must stay well under the cost
 * of ps(1). The code is pure POSIX/Linux: no WinPR, no allocation, no logging.
 *
 * The proc root is a parameter so that tests can point the scanner at a fake tree of
 * <pid>/{stat,status,cgroup,fd/} files built in a temporary directory.
 */
#ifndef OPENWTS_REGISTRY_PROCSCAN_H
#define OPENWTS_REGISTRY_PROCSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Levels understood by wtsd_procscan() and wtsd_procscan_one(). */
#define WTSD_PROCSCAN_LEVEL0 0 /* identity only: what WTS_PROCESS_INFO needs */
#define WTSD_PROCSCAN_LEVEL1 1 /* identity plus the WTS_PROCESS_INFO_EX counters */

/*
 * Flags for wtsd_procscan_ex(). WTSD_PROCSCAN_NO_PEAKS (level 1 only) skips /proc/<pid>/status,
 * the most expensive file procfs renders and the only source of the peak values: pagefile_bytes
 * and working_set_bytes then come from stat (vsize, rss) and the two peak fields are set equal
 * to them, a lower bound of the true peaks. Level 1 costs about 40 % less with it.
 */
#define WTSD_PROCSCAN_NO_PEAKS 0x1u
/*
 * WTSD_PROCSCAN_NO_CGROUP skips /proc/<pid>/cgroup (cgroup stays ""): for callers that learn
 * membership another way, e.g. from the cgroup.procs files of the cgroups they manage.
 */
#define WTSD_PROCSCAN_NO_CGROUP 0x2u

/*
 * One process as seen by the scanner. Fields marked "level 1" are zero after a level-0 read.
 *
 * Mapping to WTS_PROCESS_INFO_EX (the caller clamps the 64-bit values to its DWORD fields):
 *   NumberOfThreads     <- threads: stat field 20 (num_threads)
 *   HandleCount         <- handles: open file descriptors
 *   PagefileUsage       <- pagefile_bytes: status VmSize, the total virtual size. Linux has no
 *                          per-process commit charge; VmSize is the closest bound of it.
 *   PeakPagefileUsage   <- peak_pagefile_bytes: status VmPeak
 *   WorkingSetSize      <- working_set_bytes: status VmRSS, the resident set
 *   PeakWorkingSetSize  <- peak_working_set_bytes: status VmHWM, the resident high-water mark
 *   UserTime/KernelTime <- user_time_100ns/kernel_time_100ns: stat utime/stime, clock ticks
 *                          converted with sysconf(_SC_CLK_TCK) to 100 ns units
 * Kernel threads and zombies have no memory lines in status; their memory fields are 0. See
 * WTSD_PROCSCAN_NO_PEAKS for a cheaper level 1 without the peak values.
 */
struct wtsd_proc
{
	uint32_t pid;
	/*
	 * Owner of /proc/<pid>, which the kernel keeps equal to the EFFECTIVE uid of the process
	 * (unlike the files inside, which non-dumpable processes give to root). It differs from the
	 * real uid only while a set-uid program runs. (The status "Uid:" line has both, but status
	 * costs as much to read as stat and cgroup together, so the scanner avoids it here.)
	 */
	uint32_t uid;
	/* POSIX session id (stat field 6), as seen from the pid namespace of proc_root */
	int32_t posix_sid;
	uint32_t ppid;                   /* parent pid (stat field 4); 0 for init and kthreadd */
	char state;                      /* stat field 3: 'R', 'S', ..., 'Z' for a zombie */
	uint32_t threads;                /* level 1: number of threads */
	uint32_t handles;                /* level 1: open fds, 0 if they cannot be counted */
	uint64_t pagefile_bytes;         /* level 1: VmSize, bytes */
	uint64_t peak_pagefile_bytes;    /* level 1: VmPeak, bytes */
	uint64_t working_set_bytes;      /* level 1: VmRSS, bytes */
	uint64_t peak_working_set_bytes; /* level 1: VmHWM, bytes */
	uint64_t user_time_100ns;        /* level 1: utime, 100 ns units */
	uint64_t kernel_time_100ns;      /* level 1: stime, 100 ns units */
	/*
	 * comm as written in /proc/<pid>/stat: raw bytes, NUL-terminated, not escaped; it may
	 * contain spaces, parentheses and non-UTF-8 bytes. Longer names (kernel worker names can
	 * reach 64 bytes) are cut at a UTF-8 character boundary.
	 */
	char name[64];
	/*
	 * cgroup v2 path (the "0::" line of /proc/<pid>/cgroup), relative to the cgroup namespace
	 * of the reader; "" if the process has no v2 line. A path that does not fit is cut before
	 * its last '/' that fits, leaving the path of an ancestor cgroup, and cgroup_truncated is
	 * set.
	 */
	char cgroup[256];
	bool cgroup_truncated;
};

/*
 * Callback for wtsd_procscan(). proc is borrowed for the duration of the call only. Return 0 to
 * continue the scan; any other value stops it and becomes wtsd_procscan()'s return value.
 */
typedef int (*wtsd_proc_fn)(void *ctx, const struct wtsd_proc *proc);

/*
 * Calls fn(ctx, &proc) once for every process listed under proc_root ("/proc" normally), in
 * directory order. level is WTSD_PROCSCAN_LEVEL0 (pid, uid, posix_sid, ppid, name, cgroup) or
 * WTSD_PROCSCAN_LEVEL1 (every field).
 *
 * Processes that vanish during the scan are skipped silently, as are entries that procfs will
 * not let us read (EACCES/EPERM, e.g. under hidepid=1) and entries whose stat is malformed.
 * Entries whose name is not a decimal pid are ignored.
 *
 * Returns 0 when every process was visited, fn's non-zero value if fn stopped the scan,
 * -EINVAL for a NULL proc_root or fn or an unknown level, or another -errno if proc_root cannot
 * be read or a system call fails for a reason other than the process disappearing (e.g. -EMFILE).
 * Thread-safe; uses about 40 KiB of stack and no heap.
 */
int wtsd_procscan(const char *proc_root, int level, wtsd_proc_fn fn, void *ctx);

/*
 * wtsd_procscan() with flags (WTSD_PROCSCAN_NO_PEAKS or 0); wtsd_procscan() passes 0. Returns
 * -EINVAL for unknown flag bits, otherwise as wtsd_procscan().
 */
int wtsd_procscan_ex(const char *proc_root, int level, unsigned flags, wtsd_proc_fn fn, void *ctx);

/*
 * Reads the process pid under proc_root at the given level into *out (fields as for
 * wtsd_procscan()). *out is written only on success.
 *
 * Returns 0, -ESRCH if the process does not exist (or vanished while being read), -EINVAL for a
 * NULL argument or an unknown level, -EBADMSG if its stat cannot be parsed, or another -errno.
 */
int wtsd_procscan_one(const char *proc_root, uint32_t pid, int level, struct wtsd_proc *out);


/*
 * Parses the contents of a process's stat, status (level 1 only) and cgroup files, as the scan
 * does, with 100 clock ticks a second and 4 KiB pages. For the fuzz target and unit tests: the
 * files' bytes are what user processes control (comm is their own name). Returns 0 with *out,
 * or -EBADMSG for a malformed stat.
 */
int wtsd_procscan_parse(int level, const char *stat, size_t stat_len, const char *status,
                        size_t status_len, const char *cgroup, size_t cgroup_len,
                        struct wtsd_proc *out);

#endif /* OPENWTS_REGISTRY_PROCSCAN_H */
