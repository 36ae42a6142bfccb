/*
 * failsync.c: an LD_PRELOAD library for the tests: fdatasync() fails with
 * EIO while the file named by FAILSYNC_FLAG exists, as on a disk that
 * lost a write.  Everything else goes to the C library.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int
fdatasync(int fd)
{
	static int	(*real)(int);
	const char	*flag = getenv("FAILSYNC_FLAG");

	if (flag != NULL && access(flag, F_OK) == 0) {
		errno = EIO;
		return -1;
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fdatasync");
	return real(fd);
}
