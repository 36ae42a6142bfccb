/*
 * db_paced.c: a SQLite VFS, "papigw-paced", that lays over the default
 * one and makes the writes to a database file reach the disk a little at
 * a time (DB_PACED, for the checkpointer's connection).
 *
 * A checkpoint writes every page it copies from the WAL into the page
 * cache, then syncs the database file: several megabytes go to the disk
 * at once, and the syncer's fdatasync() of the WAL, which every
 * acknowledgement waits for, queues behind them (bench/fsync measures
 * it).  Here, after every DB_PACED_BYTES written, the file's dirty pages
 * are written out and waited for (sync_file_range(2)) before the
 * checkpoint goes on: the disk's queue never holds more than that much
 * of a checkpoint, and the sync at its end finds little left to write.
 * The checkpoint takes longer; it runs on its own thread and never
 * blocks the writer.  Durability is SQLite's own: its syncs are
 * unchanged, sync_file_range() only starts them early.
 *
 * Every other call goes to the default VFS unchanged; files that are not
 * a main database (the WAL, journals) are not paced.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/db.h"

/* What a checkpoint may have on its way to the disk at once. */
#define DB_PACED_BYTES	(256 * 1024)

struct pfile {
	sqlite3_file	 base;		/* pMethods: paced_io, or NULL */
	sqlite3_file	*real;		/* the default VFS's, after this */
	int		 fd;		/* the database file, or -1 */
	sqlite3_int64	 pending;	/* written since the last flush */
};

static sqlite3_vfs	 paced_vfs;
static sqlite3_vfs	*base_vfs;
static atomic_ulong	 flushes;	/* db_paced_flushes() */

#define REAL(f)	(((struct pfile *)(void *)(f))->real)

static int
p_close(sqlite3_file *f)
{
	struct pfile	*p = (struct pfile *)(void *)f;
	int		 rc;

	rc = p->real->pMethods->xClose(p->real);
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	return rc;
}

static int
p_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
p_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	struct pfile	*p = (struct pfile *)(void *)f;
	int		 rc;

	rc = p->real->pMethods->xWrite(p->real, buf, n, off);
	if (rc != SQLITE_OK || p->fd == -1)
		return rc;
	if ((p->pending += n) >= DB_PACED_BYTES) {
		p->pending = 0;
		/* A failure only leaves the pages to the final sync. */
		if (sync_file_range(p->fd, 0, 0,
		    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		    SYNC_FILE_RANGE_WAIT_AFTER) == 0)
			atomic_fetch_add(&flushes, 1);
	}
	return rc;
}

static int
p_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
p_sync(sqlite3_file *f, int flags)
{
	struct pfile	*p = (struct pfile *)(void *)f;

	p->pending = 0;
	return p->real->pMethods->xSync(p->real, flags);
}

static int
p_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
p_lock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int
p_unlock(sqlite3_file *f, int lock)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int
p_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
p_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
p_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
p_device_characteristics(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
p_shm_map(sqlite3_file *f, int region, int size, int extend,
    void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, pp);
}

static int
p_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
p_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
p_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
p_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}

static int
p_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods paced_io = {
	3,
	p_close, p_read, p_write, p_truncate, p_sync, p_file_size, p_lock,
	p_unlock, p_check_reserved, p_file_control, p_sector_size,
	p_device_characteristics, p_shm_map, p_shm_lock, p_shm_barrier,
	p_shm_unmap, p_fetch, p_unfetch
};

static int
p_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct pfile	*p = (struct pfile *)(void *)f;
	int		 rc;

	(void)vfs;
	memset(p, 0, sizeof(*p));
	p->real = (sqlite3_file *)(void *)(p + 1);
	p->fd = -1;
	rc = base_vfs->xOpen(base_vfs, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK)
		return rc;
	/* Pacing needs the default VFS's v3 methods; else pass through. */
	if (p->real->pMethods == NULL || p->real->pMethods->iVersion < 3) {
		p->base.pMethods = NULL;
		if (p->real->pMethods != NULL)
			p->real->pMethods->xClose(p->real);
		return SQLITE_CANTOPEN;
	}
	if ((flags & SQLITE_OPEN_MAIN_DB) && name != NULL)
		p->fd = open(name, O_RDONLY | O_CLOEXEC);
	p->base.pMethods = &paced_io;
	return SQLITE_OK;
}

static int
p_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int
p_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int
p_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static int
p_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return base_vfs->xRandomness(base_vfs, n, out);
}

static int
p_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return base_vfs->xSleep(base_vfs, us);
}

static int
p_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return base_vfs->xCurrentTime(base_vfs, out);
}

static int
p_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return base_vfs->xGetLastError(base_vfs, n, out);
}

static int
p_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

static int	registered = SQLITE_ERROR;

static void
p_register(void)
{
	if ((base_vfs = sqlite3_vfs_find(NULL)) == NULL ||
	    base_vfs->iVersion < 2 || base_vfs->xCurrentTimeInt64 == NULL)
		return;
	paced_vfs.iVersion = 2;
	paced_vfs.szOsFile = (int)sizeof(struct pfile) + base_vfs->szOsFile;
	paced_vfs.mxPathname = base_vfs->mxPathname;
	paced_vfs.zName = "papigw-paced";
	paced_vfs.xOpen = p_open;
	paced_vfs.xDelete = p_delete;
	paced_vfs.xAccess = p_access;
	paced_vfs.xFullPathname = p_full_pathname;
	paced_vfs.xDlOpen = base_vfs->xDlOpen;
	paced_vfs.xDlError = base_vfs->xDlError;
	paced_vfs.xDlSym = base_vfs->xDlSym;
	paced_vfs.xDlClose = base_vfs->xDlClose;
	paced_vfs.xRandomness = p_randomness;
	paced_vfs.xSleep = p_sleep;
	paced_vfs.xCurrentTime = p_current_time;
	paced_vfs.xGetLastError = p_get_last_error;
	paced_vfs.xCurrentTimeInt64 = p_current_time_int64;
	registered = sqlite3_vfs_register(&paced_vfs, 0);
}

/*
 * The name of the paced VFS for sqlite3_open_v2(), registered at the
 * first call; NULL (the default VFS) if it could not be.
 */
const char *
db_paced_vfs(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, p_register);
	return registered == SQLITE_OK ? paced_vfs.zName : NULL;
}

/* How many times a paced file's writes were flushed early, in all. */
unsigned long
db_paced_flushes(void)
{
	return atomic_load(&flushes);
}
