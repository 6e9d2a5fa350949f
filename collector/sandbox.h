/* sandbox.h - least privilege for `collector serve` (see sandbox.c). */
#ifndef SND_SANDBOX_H
#define SND_SANDBOX_H

#include <stddef.h>

/* 0 when the process may go on: not root, or root explicitly allowed.
 * -1 with a message otherwise. */
int sandbox_check_user(int allow_root, char *err, size_t errlen);

/* Enforces no_new_privs, Landlock (writes only below writable_dir, no exec)
 * and the seccomp deny-list; what receives a one-line description of what
 * is enforced.  Irreversible.  -1 with err on failure. */
int sandbox_apply(const char *writable_dir, char *what, size_t whatlen, char *err,
                  size_t errlen);

#endif
