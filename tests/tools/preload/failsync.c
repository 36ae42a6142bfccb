/*
 * failsync.c: an LD_PRELOAD library for the tests: fdatasync() fails with
 * EIO while the file named by FAILSYNC_FLAG exists, as on a disk that
 * lost a write; and pwrite64() (how SQLite writes) fails with EROFS while
 * the file named by FAILWRITE_FLAG exists, as on a file system that the
 * kernel remounted read-only after an error.  Everything else goes to the
 * C library.
 */
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* Whether the file named by the environment variable var exists. */
static int
flagged(const char *var)
{
	const char	*flag = getenv(var);

	return flag != NULL && access(flag, F_OK) == 0;
}

int
fdatasync(int fd)
{
	static int	(*real)(int);

	if (flagged("FAILSYNC_FLAG")) {
		errno = EIO;
		return -1;
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
	return real(fd);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);

	if (flagged("FAILWRITE_FLAG")) {
		errno = EROFS;
		return -1;
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite64");
	return real(fd, buf, n, off);
}
