/*
 * audit.c: an audit entry of its own (audit.h), and the keeper of the
 * audit log's key and checkpoints.
 *
 * Changes to cases write their entries in their own transactions;
 * audit_record() is for what has none.
 *
 * The keeper holds the key the store authenticates entries with
 * (store/audit_chain.c): 32 random bytes in hex in audit.key_file
 * (default: audit.key beside the database), made at the first start,
 * mode 0400, and refused when others may read or write it.  The database
 * never holds it, so someone who can only write the database cannot
 * write an entry that verifies.  At start the keeper seals the log (its
 * first keyed entry), and every audit.checkpoint_interval seconds, and
 * when the daemon stops, it writes a checkpoint: the number of entries,
 * the newest one and its hash, to the journal and, with an HMAC of the
 * line, to audit.checkpoint_file (default audit.checkpoints beside the
 * database; "none": the journal only).  A checkpoint is what shows the
 * newest entries removed, or all of them, which a chain cannot show by
 * itself; papictl audit --verify checks the log against every line of
 * the file (daemon/cmd_report.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/audit.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/util.h"
#include "conf/config.h"
#include "store/store.h"

#define AUDIT_KEY_BYTES		32	/* made at the first start */
#define AUDIT_ACTOR		"papigwd"
#define CHECKPOINT_LINE_MAX	256	/* bytes of a checkpoint line */

struct audit_keeper {
	unsigned char		 key[STORE_AUDIT_KEY_MAX];
	size_t			 keylen;
	int			 created;	/* made at this start */
	char			 path[PATH_MAX];
	char			 fpr[17];	/* of the key, in hex */
	int64_t			 last_run;	/* Unix seconds */
	struct audit_checkpoint	 last;		/* the last one written */
	/* The head that did not verify, said once; last_id 0: none. */
	struct audit_checkpoint	 warned;
};

struct entry {
	const char	*actor;
	const char	*action;
	int64_t		 case_id;
	const char	*detail;
};

static enum store_status
entry_work(struct store_txn *txn, void *arg)
{
	struct entry	*e = arg;

	return store_audit_append(txn, e->actor, e->action, e->case_id,
	    e->detail);
}

/*
 * Appends an entry, actor did action (to case_id, or 0) with detail (or
 * NULL), and waits until it is durable.  Returns STORE_OK or why not.
 * Not for the store's own threads.
 */
enum store_status
audit_record(struct store *st, const char *actor, const char *action,
    int64_t case_id, const char *detail)
{
	struct entry	e = { actor, action, case_id, detail };

	return store_submit_wait(st, entry_work, &e);
}

/*
 * ===================================================================
 * The key
 * ===================================================================
 */

/*
 * The path of one of the audit files into buf: value, or name beside the
 * database when value is "".  Returns 0, or -1 when it does not fit.
 */
static int
beside_db(const struct config *conf, const char *value, const char *name,
    char *buf, size_t bufsz)
{
	char	dir[PATH_MAX];
	int	n;

	if (value != NULL && *value != '\0')
		n = snprintf(buf, bufsz, "%s", value);
	else {
		copy_str(dir, sizeof(dir), conf->storage_path);
		n = snprintf(buf, bufsz, "%s/%s", dirname(dir), name);
	}
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

/*
 * The checkpoint file's path into buf.  Returns 1, 0 when checkpoints go
 * to the journal only ("none"), or -1 when the path does not fit.
 */
int
audit_checkpoint_path(const struct config *conf, char *buf, size_t bufsz)
{
	if (strcmp(conf->audit_checkpoint_file, "none") == 0)
		return 0;
	return beside_db(conf, conf->audit_checkpoint_file,
	    "audit.checkpoints", buf, bufsz) == -1 ? -1 : 1;
}

/* Writes a new key to path, durably.  Returns 0, or -1 with the reason. */
static int
key_create(struct audit_keeper *k, const char *path, char *err,
    size_t errsz)
{
	char	hex[2 * AUDIT_KEY_BYTES + 2], dir[PATH_MAX];
	size_t	i;
	int	fd, dfd, r = -1;

	if (RAND_bytes(k->key, AUDIT_KEY_BYTES) != 1) {
		snprintf(err, errsz, "audit: %s: no random bytes", path);
		return -1;
	}
	k->keylen = AUDIT_KEY_BYTES;
	for (i = 0; i < AUDIT_KEY_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", k->key[i]);
	hex[2 * AUDIT_KEY_BYTES] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0400);
	if (fd == -1) {
		snprintf(err, errsz, "audit: %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, hex, 2 * AUDIT_KEY_BYTES + 1) !=
	    2 * AUDIT_KEY_BYTES + 1 || fsync(fd) == -1) {
		snprintf(err, errsz, "audit: %s: %s", path, strerror(errno));
		unlink(path);
	} else
		r = 0;
	close(fd);
	/* The key must outlive a crash before the first keyed entry does. */
	copy_str(dir, sizeof(dir), path);
	if (r == 0 && (dfd = open(dirname(dir), O_RDONLY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	OPENSSL_cleanse(hex, sizeof(hex));
	k->created = r == 0;
	return r;
}

/* Decodes the hex key of buf into k.  Returns 0, or -1. */
static int
key_decode(struct audit_keeper *k, const char *buf)
{
	size_t	n = strcspn(buf, " \t\r\n");

	if (n % 2 != 0 || n < 2 * 16 || n > 2 * STORE_AUDIT_KEY_MAX ||
	    buf[n + strspn(buf + n, " \t\r\n")] != '\0')
		return -1;
	if (hex_decode(buf, n, k->key, 0) == -1)
		return -1;
	k->keylen = n / 2;
	return 0;
}

/* Reads the key of path into k.  Returns 0, or -1 with the reason. */
static int
key_read(struct audit_keeper *k, const char *path, int fd, char *err,
    size_t errsz)
{
	struct stat	sb;
	char		buf[2 * STORE_AUDIT_KEY_MAX + 8];
	ssize_t		n;

	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "audit: %s: not a file", path);
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errsz, "audit: %s: others may read or write it "
		    "(mode %03o): chmod 400 it", path,
		    (unsigned)(sb.st_mode & 0777));
		return -1;
	}
	if (sb.st_uid != geteuid()) {
		snprintf(err, errsz, "audit: %s: owned by uid %u, not by the "
		    "daemon's (%u)", path, (unsigned)sb.st_uid,
		    (unsigned)geteuid());
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0 || (buf[n] = '\0', key_decode(k, buf) == -1)) {
		snprintf(err, errsz, "audit: %s: not a key (16 to 64 bytes "
		    "in hex)", path);
		OPENSSL_cleanse(buf, sizeof(buf));
		return -1;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

/* The first 8 bytes of SHA-256(key), in hex: which key, not the key. */
static void
key_fingerprint(struct audit_keeper *k)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	k->fpr[0] = '\0';
	if (EVP_Digest(k->key, k->keylen, md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen < 8)
		return;
	for (i = 0; i < 8; i++)
		snprintf(k->fpr + 2 * i, 3, "%02x", md[i]);
}

/*
 * Loads the audit key that conf names, making it when there is none.
 * Returns the keeper, or NULL with the reason in err.
 */
struct audit_keeper *
audit_keeper_new(const struct config *conf, char *err, size_t errsz)
{
	struct audit_keeper	*k = xcalloc(1, sizeof(*k));
	int			 fd, r;

	if (beside_db(conf, conf->audit_key_file, "audit.key", k->path,
	    sizeof(k->path)) == -1) {
		snprintf(err, errsz, "audit: the key's path is too long");
		goto fail;
	}
	fd = open(k->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		r = key_create(k, k->path, err, errsz);
	else if (fd == -1) {
		snprintf(err, errsz, "audit: %s: %s", k->path,
		    strerror(errno));
		r = -1;
	} else {
		r = key_read(k, k->path, fd, err, errsz);
		close(fd);
	}
	if (r == -1)
		goto fail;
	key_fingerprint(k);
	if (k->created)
		log_notice(_("audit: made the key %s (fingerprint %s): keep a "
		    "copy apart from the database"), k->path, k->fpr);
	return k;
fail:
	audit_keeper_free(k);
	return NULL;
}

/* The key and its length, for store_open(). */
const unsigned char *
audit_keeper_key(const struct audit_keeper *k, size_t *len)
{
	*len = k->keylen;
	return k->key;
}

const char *
audit_keeper_key_path(const struct audit_keeper *k)
{
	return k->path;
}

const char *
audit_keeper_fingerprint(const struct audit_keeper *k)
{
	return k->fpr;
}

/* Forgets the key.  NULL is a no-op. */
void
audit_keeper_free(struct audit_keeper *k)
{
	if (k == NULL)
		return;
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

/*
 * ===================================================================
 * Checkpoints
 * ===================================================================
 */

/* The text a checkpoint line's MAC covers, and the MAC into mac. */
static int
checkpoint_mac(const struct audit_keeper *k, const struct audit_checkpoint *c,
    char mac[STORE_HASH_HEX])
{
	char		 text[CHECKPOINT_LINE_MAX];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	int		 n;

	n = snprintf(text, sizeof(text), "papigw audit checkpoint %" PRId64
	    " %" PRId64 " %" PRId64 " %s", c->at, c->entries, c->last_id,
	    c->head);
	if (n < 0 || (size_t)n >= sizeof(text) || HMAC(EVP_sha256(), k->key,
	    (int)k->keylen, (unsigned char *)text, (size_t)n, md,
	    &mdlen) == NULL || mdlen != 32)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(mac + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* Appends c to the checkpoint file path, durably.  Returns 0 or -1. */
static int
checkpoint_append(const struct audit_keeper *k, const char *path,
    const struct audit_checkpoint *c)
{
	char	line[CHECKPOINT_LINE_MAX], mac[STORE_HASH_HEX];
	int	fd, n, r = -1;

	if (checkpoint_mac(k, c, mac) == -1)
		return -1;
	n = snprintf(line, sizeof(line), "%" PRId64 " %" PRId64 " %" PRId64
	    " %s %s\n", c->at, c->entries, c->last_id, c->head, mac);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1) {
		log_warn(_("audit: %s"), path);
		return -1;
	}
	if (write(fd, line, (size_t)n) != n || fsync(fd) == -1)
		log_warn(_("audit: %s"), path);
	else
		r = 0;
	close(fd);
	return r;
}

/*
 * Reads the head of the log into c, checking that its newest entry
 * verifies with the key (an entry forged in the database is never
 * checkpointed).  Returns 1, 0 for an empty log, or -1.
 */
static int
checkpoint_read_head(struct audit_keeper *k, struct store *st,
    struct audit_checkpoint *c)
{
	struct store_audit	 a;
	enum store_status	 r;
	char			 mac[STORE_HASH_HEX];
	int			 ok;

	memset(c, 0, sizeof(*c));
	c->at = clock_unix();
	if ((r = store_audit_head(st, &a, &c->entries)) == STORE_NOTFOUND)
		return 0;
	if (r != STORE_OK)
		return -1;
	ok = store_audit_mac(k->key, k->keylen, &a, mac) == 0 &&
	    strcmp(mac, a.hash) == 0;
	c->last_id = a.id;
	copy_str(c->head, sizeof(c->head), a.hash);
	store_audit_clear(&a);
	if (!ok) {
		/* Once for each head that does not verify. */
		if (c->last_id != k->warned.last_id ||
		    strcmp(c->head, k->warned.head) != 0)
			log_warnx(_("audit: the newest entry (%" PRId64 ") "
			    "does not verify with the key: no checkpoint until "
			    "it does; papictl audit --verify says more"),
			    c->last_id);
		k->warned = *c;
		return -1;
	}
	k->warned.last_id = 0;
	return 1;
}

/*
 * Writes a checkpoint when the log changed since the last one: to the
 * journal, and to the checkpoint file unless conf says "none".
 */
static void
checkpoint(struct audit_keeper *k, struct store *st,
    const struct config *conf)
{
	struct audit_checkpoint	c;
	char			path[PATH_MAX];
	int			p;

	if (checkpoint_read_head(k, st, &c) != 1)
		return;
	if (c.entries == k->last.entries && c.last_id == k->last.last_id &&
	    strcmp(c.head, k->last.head) == 0)
		return;
	if (k->last.last_id != 0 && (c.last_id < k->last.last_id ||
	    c.entries < k->last.entries))
		log_warnx(_("audit: the log went back from %" PRId64 " entries "
		    "(the newest %" PRId64 ") to %" PRId64 " (the newest %"
		    PRId64 "): entries were removed"), k->last.entries,
		    k->last.last_id, c.entries, c.last_id);
	log_notice(_("audit: checkpoint: %" PRId64 " entries, the newest %"
	    PRId64 ", head %s"), c.entries, c.last_id, c.head);
	if ((p = audit_checkpoint_path(conf, path, sizeof(path))) == 1 &&
	    checkpoint_append(k, path, &c) == -1)
		return;
	k->last = c;
}

/*
 * Seals the log of st (its first keyed entry) when it is not, and writes
 * the first checkpoint.  Returns 0, or -1 with the reason in err.
 */
int
audit_keeper_start(struct audit_keeper *k, struct store *st,
    const struct config *conf, char *err, size_t errsz)
{
	enum store_status	r;
	int64_t			sealed, legacy;

	if ((r = store_audit_seal(st, AUDIT_ACTOR, &sealed, &legacy)) !=
	    STORE_OK) {
		snprintf(err, errsz, "audit: cannot seal the log: %s",
		    store_strerror(r));
		return -1;
	}
	if (sealed == 0 && !k->created && legacy > 0)
		log_warnx(_("audit: the log had %" PRId64 " entries and none "
		    "keyed, though the key %s is older: unless this database "
		    "is from before keyed auditing, it was rewritten; sealed "
		    "as it is"), legacy, k->path);
	else if (sealed == 0 && legacy == 0)
		log_info(_("audit: the log is keyed (sealed by its first "
		    "entry)"));
	else if (sealed == 0)
		log_notice(_("audit: the log is keyed from now on (%" PRId64
		    " earlier entries stay unkeyed SHA-256, sealed)"), legacy);
	k->last_run = clock_unix();
	checkpoint(k, st, conf);
	return 0;
}

/*
 * Once a tick: a checkpoint every audit.checkpoint_interval seconds, or
 * now with force (when stopping).
 */
void
audit_keeper_tick(struct audit_keeper *k, struct store *st,
    const struct config *conf, int force)
{
	int64_t	now = clock_unix();

	if (k == NULL || st == NULL)
		return;
	if (!force && now - k->last_run < conf->audit_checkpoint_interval)
		return;
	k->last_run = now;
	checkpoint(k, st, conf);
}

/* Parses one line of the checkpoint file into c.  Returns 0 or -1. */
static int
checkpoint_parse(const struct audit_keeper *k, const char *line,
    struct audit_checkpoint *c)
{
	char	head[STORE_HASH_HEX + 1], mac[STORE_HASH_HEX + 1];
	char	want[STORE_HASH_HEX];
	int	end = 0;

	memset(c, 0, sizeof(*c));
	if (sscanf(line, "%" SCNd64 " %" SCNd64 " %" SCNd64 " %65s %65s%n",
	    &c->at, &c->entries, &c->last_id, head, mac, &end) != 5 ||
	    line[end] != '\n' || strlen(head) != STORE_HASH_HEX - 1)
		return -1;
	copy_str(c->head, sizeof(c->head), head);
	if (checkpoint_mac(k, c, want) == -1 ||
	    strlen(mac) != STORE_HASH_HEX - 1 ||
	    CRYPTO_memcmp(want, mac, STORE_HASH_HEX - 1) != 0)
		return -1;
	return 0;
}

/*
 * Reads every checkpoint of the file path into *cps (free it), *ncps of
 * them, counting the lines that are not the keeper's (a bad MAC, or not
 * a checkpoint) in *forged; a last line without its newline (a write the
 * daemon did not finish) is left out.  Returns 0, or -1 with errno when
 * the file cannot be read.
 */
int
audit_checkpoints_read(const struct audit_keeper *k, const char *path,
    struct audit_checkpoint **cps, size_t *ncps, size_t *forged)
{
	FILE			*f;
	char			 line[CHECKPOINT_LINE_MAX];
	struct audit_checkpoint	 c;
	size_t			 cap = 0;

	*cps = NULL;
	*ncps = *forged = 0;
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '\n') == NULL && feof(f))
			break;
		if (checkpoint_parse(k, line, &c) == -1) {
			(*forged)++;
			continue;
		}
		if (*ncps == cap) {
			cap = cap == 0 ? 64 : 2 * cap;
			*cps = xreallocarray(*cps, cap, sizeof(**cps));
		}
		(*cps)[(*ncps)++] = c;
	}
	fclose(f);
	return 0;
}
