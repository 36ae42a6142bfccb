/*
 * store_priv.h: what the store's own files share.  The store is one module
 * in two files: store.c (the connection, migrations, group commit and the
 * ingest path's rows) and store_cases.c (the queries of case work, papictl
 * and reports).  Only they include this header and sqlite3.h.
 */
#ifndef STORE_PRIV_H
#define STORE_PRIV_H

#include <stddef.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_cases.h"

/*
 * One step of the schema, made from src/store/sql/NNN-name.sql at build
 * time (scripts/embed-sql.sh): store_migrations[i] takes a database from
 * version i to version i + 1.
 */
struct store_migration {
	int		 version;
	const char	*name;		/* "initial"... */
	const char	*sql;		/* ends by setting user_version */
};

/* $(BUILD)/gen/store_sql.c */
extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

/* migrate.c */
int		 store_migrate(sqlite3 *, const char *path, char *err,
		    size_t errsz);

/* store.c */
sqlite3		*store_txn_db(struct store_txn *);
enum store_status store_txn_fail(struct store_txn *, int rc,
		    const char *what);
const char	*store_path(const struct store *);
enum store_status store_status_of(int rc);
void		 store_bind_opt(sqlite3_stmt *, int, int64_t);
char		*store_col_str(sqlite3_stmt *, int);

#endif /* STORE_PRIV_H */
