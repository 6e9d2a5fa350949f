/* test_sandbox.c - the collector's least-privilege layer, in a child
 * process: after sandbox_apply, exec is fatal, writes outside the database
 * directory fail (where the kernel has Landlock), writes inside still work,
 * and root is refused unless allowed. */
#include "../../collector/sandbox.c"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[64], outside[64];

static void make_dirs(void)
{
	snprintf(dir, sizeof dir, "/tmp/snd-sbx-XXXXXX");
	snprintf(outside, sizeof outside, "/tmp/snd-sbo-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(mkdtemp(outside));
}

static int landlock_available(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1;
}

/* Runs fn in a sandboxed child; returns its wait status. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char what[256], err[256];
		if (sandbox_apply(dir, what, sizeof what, err, sizeof err) != 0)
			_exit(100);
		_exit(fn());
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static int try_exec(void)
{
	char *argv[] = {"/bin/true", NULL};
	execv("/bin/true", argv);
	return 3; /* exec failed without killing us */
}

static int try_writes(void)
{
	char in[128], out[128];
	int fd;
	snprintf(in, sizeof in, "%s/ok", dir);
	snprintf(out, sizeof out, "%s/no", outside);
	if ((fd = open(in, O_WRONLY | O_CREAT, 0600)) < 0)
		return 1;
	close(fd);
	fd = open(out, O_WRONLY | O_CREAT, 0600);
	if (fd >= 0) {
		close(fd);
		return landlock_available() ? 2 : 0;
	}
	return 0;
}

/* Truncating a file is writing it: outside the database directory it must
 * fail too (Landlock ABI 3 and later handle truncate separately). */
static int try_truncate(void)
{
	char out[128];
	snprintf(out, sizeof out, "%s/victim", outside);
	if (truncate(out, 0) == 0)
		return landlock_available() ? 2 : 0;
	return 0;
}

START_TEST(test_sandbox_refuses_truncating_files_outside)
{
	char victim[128];
	struct stat sb;
	int st, fd;
	make_dirs();
	snprintf(victim, sizeof victim, "%s/victim", outside);
	fd = open(victim, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq((int)write(fd, "keep me\n", 8), 8);
	close(fd);
	st = in_child(try_truncate);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_int_eq(stat(victim, &sb), 0);
	ck_assert_int_eq((int)sb.st_size, 8);
}
END_TEST

START_TEST(test_sandbox_kills_on_exec)
{
#ifdef SND_HAVE_SECCOMP
	int st;
	make_dirs();
	st = in_child(try_exec);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	              "exec after sandbox_apply must kill the process (status %d)", st);
#endif
}
END_TEST

START_TEST(test_sandbox_confines_writes_to_the_database_directory)
{
	int st;
	make_dirs();
	st = in_child(try_writes);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(test_root_is_refused_unless_allowed)
{
	char err[256] = "";
	if (geteuid() != 0)
		return; /* nothing to refuse */
	ck_assert_int_eq(sandbox_check_user(0, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--allow-root"));
	ck_assert_int_eq(sandbox_check_user(1, err, sizeof err), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	tcase_add_test(tc, test_sandbox_kills_on_exec);
	tcase_add_test(tc, test_sandbox_confines_writes_to_the_database_directory);
	tcase_add_test(tc, test_sandbox_refuses_truncating_files_outside);
	tcase_add_test(tc, test_root_is_refused_unless_allowed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
