/* sandbox.c - least privilege for `collector serve`.
 *
 * Called once the server has opened everything it needs (forms, keys, the
 * database and its WAL, the listening socket) and before it serves the
 * first request.  What is enforced, in order:
 *   1. no_new_privs: nothing exec'ed later could gain privileges.
 *   2. Landlock (when the kernel has it): writing, truncating (ABI 3+),
 *      creating, removing and renaming files is allowed only below the
 *      database's directory, and
 *      executing files is denied everywhere.  Reads stay allowed (the process
 *      already holds the keys in memory, so hiding files would add little).
 *   3. seccomp (libseccomp, default allow + a deny-list): no execve/execveat,
 *      no ptrace or cross-process memory access, no mount/namespace/module/
 *      kexec/bpf/keyring/perf calls, no new user/namespace via clone flags,
 *      no setuid-family calls.  execve kills the process; the rest fail
 *      with EPERM so a library probing for a feature keeps working.
 * Each step reports what it did into a short human string for the log;
 * a kernel without Landlock is reported, not fatal.  Under AddressSanitizer
 * ptrace stays allowed: LeakSanitizer stops the world with it at exit.
 */
#define _GNU_SOURCE 1 /* O_PATH, CLONE_NEW* */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SND_HAVE_SECCOMP
#include <sched.h>
#include <seccomp.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SND_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SND_UNDER_ASAN 1
#endif
#endif

int sandbox_check_user(int allow_root, char *err, size_t errlen)
{
	if (geteuid() != 0 || allow_root)
		return 0;
	snprintf(err, errlen,
	         "refusing to run as root: run as an unprivileged user "
	         "(e.g. systemd DynamicUser=yes), or pass --allow-root if you must");
	return -1;
}

static void append(char *what, size_t len, const char *s)
{
	size_t n = strlen(what);
	if (n + 1 < len)
		snprintf(what + n, len - n, "%s%s", n ? ", " : "", s);
}

/* Older kernel headers lack it; the value is fixed by the kernel ABI. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* Landlock: returns 1 enforced, 0 unavailable, -1 error. */
static int apply_landlock(const char *writable_dir, char *err, size_t errlen)
{
#if defined(SYS_landlock_create_ruleset) && defined(LANDLOCK_ACCESS_FS_MAKE_SYM)
	struct landlock_ruleset_attr ra;
	struct landlock_path_beneath_attr pb;
	int abi, rfd, dfd;
	__u64 write_rights =
		LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
		LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
		LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
		LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
		LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	                   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0;
	if (abi >= 3) /* before ABI 3 truncate(2) is not governed at all */
		write_rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	memset(&ra, 0, sizeof ra);
	ra.handled_access_fs = write_rights | LANDLOCK_ACCESS_FS_EXECUTE;
	rfd = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof ra, 0);
	if (rfd < 0) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		return -1;
	}
	dfd = open(writable_dir, O_PATH | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(err, errlen, "landlock: %s: %s", writable_dir, strerror(errno));
		close(rfd);
		return -1;
	}
	memset(&pb, 0, sizeof pb);
	pb.allowed_access = write_rights;
	pb.parent_fd = dfd;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, rfd, 0) != 0) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		close(dfd);
		close(rfd);
		return -1;
	}
	close(dfd);
	close(rfd);
	return 1;
#else
	(void)writable_dir;
	(void)err;
	(void)errlen;
	return 0;
#endif
}

#ifdef SND_HAVE_SECCOMP
static int apply_seccomp(char *err, size_t errlen)
{
	static const int denied[] = {
		SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
		SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(chroot),
		SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(init_module),
		SCMP_SYS(finit_module), SCMP_SYS(delete_module), SCMP_SYS(kexec_load),
		SCMP_SYS(kexec_file_load), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
		SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
		SCMP_SYS(userfaultfd), SCMP_SYS(setuid), SCMP_SYS(setgid),
		SCMP_SYS(setreuid), SCMP_SYS(setregid), SCMP_SYS(setresuid),
		SCMP_SYS(setresgid), SCMP_SYS(setgroups), SCMP_SYS(acct), SCMP_SYS(swapon),
		SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(syslog), SCMP_SYS(iopl),
		SCMP_SYS(ioperm), SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at),
		SCMP_SYS(fanotify_init), SCMP_SYS(quotactl), SCMP_SYS(lookup_dcookie),
		SCMP_SYS(vhangup), SCMP_SYS(settimeofday), SCMP_SYS(clock_settime),
		SCMP_SYS(adjtimex), SCMP_SYS(clock_adjtime),
#ifndef SND_UNDER_ASAN
		SCMP_SYS(ptrace),
#endif
	};
	static const unsigned long ns_flags[] = {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID,
	                                         CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC,
	                                         CLONE_NEWCGROUP};
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	size_t i;
	int rc = 0;
	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp: cannot initialise");
		return -1;
	}
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(execve), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(execveat), 0);
	for (i = 0; i < sizeof denied / sizeof denied[0]; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
	/* Threads are fine; new namespaces are not. */
	for (i = 0; i < sizeof ns_flags / sizeof ns_flags[0]; i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		                       SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
	/* clone3 passes flags in memory seccomp cannot read: make libc fall
	 * back to clone(2), which the rules above can inspect. */
#ifdef __NR_clone3
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
#endif
	if (rc != 0 || seccomp_load(ctx) != 0) {
		snprintf(err, errlen, "seccomp: cannot load the filter");
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 1;
}
#endif

int sandbox_apply(const char *writable_dir, char *what, size_t whatlen, char *err,
                  size_t errlen)
{
	int r;
	what[0] = '\0';
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	append(what, whatlen, "no_new_privs");
	r = apply_landlock(writable_dir, err, errlen);
	if (r < 0)
		return -1;
	append(what, whatlen, r ? "landlock (writes only below the database directory, no exec)"
	                        : "landlock unavailable in this kernel");
#ifdef SND_HAVE_SECCOMP
	if (apply_seccomp(err, errlen) < 0)
		return -1;
	append(what, whatlen, "seccomp deny-list (no exec, ptrace, mount, namespaces, modules)");
#else
	append(what, whatlen, "seccomp not built in");
#endif
	return 0;
}
