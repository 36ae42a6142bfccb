-- The SQLite functions that the tests' own SQL uses (tests/lib.sh's
-- store_sql), with SQLite's meaning, for the tests run on PostgreSQL.
-- In a schema of their own that only the tests' psql sessions search:
-- the daemon's statements must never rely on them.
CREATE SCHEMA sqlite_compat;
SET search_path = sqlite_compat;

-- hex(X): X's bytes in upper-case hexadecimal (of its UTF-8 for text).
CREATE FUNCTION hex(x BYTEA) RETURNS TEXT LANGUAGE sql IMMUTABLE AS
  'SELECT upper(encode(x, ''hex''))';
CREATE FUNCTION hex(x TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS
  'SELECT upper(encode(convert_to(x, ''UTF8''), ''hex''))';

-- printf(FORMAT, N) for the one conversion the tests use, %d with an
-- optional width padded with zeros (%06d).
CREATE FUNCTION printf(fmt TEXT, n BIGINT) RETURNS TEXT LANGUAGE plpgsql
  IMMUTABLE AS $$
DECLARE
  m TEXT[] := regexp_match(fmt, '%(0?)([0-9]*)d');
  s TEXT := n::TEXT;
BEGIN
  IF m IS NULL THEN
    RETURN fmt;
  END IF;
  IF m[2] <> '' AND length(s) < m[2]::INT THEN
    s := lpad(s, m[2]::INT, CASE WHEN m[1] = '0' THEN '0' ELSE ' ' END);
  END IF;
  RETURN regexp_replace(fmt, '%0?[0-9]*d', s);
END $$;

-- strftime('%s') and strftime('%s', 'now'): the time now in seconds
-- since the epoch (a number: the tests do arithmetic on it).
CREATE FUNCTION strftime(fmt TEXT) RETURNS BIGINT LANGUAGE sql AS
  'SELECT extract(epoch FROM now())::BIGINT';
CREATE FUNCTION strftime(fmt TEXT, t TEXT) RETURNS BIGINT LANGUAGE sql AS
  'SELECT extract(epoch FROM now())::BIGINT';

-- strftime(FORMAT, T, 'unixepoch', 'localtime') and date(T, 'unixepoch',
-- 'localtime'): T, seconds since the epoch, as a local date (the session's
-- time zone, which lib.sh sets from TZ).
CREATE FUNCTION strftime(fmt TEXT, t BIGINT, u TEXT, l TEXT) RETURNS TEXT
  LANGUAGE sql STABLE AS $$
SELECT to_char(to_timestamp(t), replace(replace(replace(replace(replace(
  replace(fmt, '%d', 'DD'), '%m', 'MM'), '%Y', 'YYYY'), '%H', 'HH24'),
  '%M', 'MI'), '%S', 'SS'))
$$;
CREATE FUNCTION date(t BIGINT, u TEXT, l TEXT) RETURNS TEXT
  LANGUAGE sql STABLE AS
  'SELECT to_char(to_timestamp(t), ''YYYY-MM-DD'')';

-- group_concat(X [, SEPARATOR]): string_agg, "," by default.
CREATE FUNCTION gc_step(acc TEXT, x TEXT, sep TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE AS
  'SELECT CASE WHEN x IS NULL THEN acc WHEN acc IS NULL THEN x
     ELSE acc || sep || x END';
CREATE FUNCTION gc_step(acc TEXT, x TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE AS 'SELECT sqlite_compat.gc_step(acc, x, '','')';
CREATE AGGREGATE group_concat(TEXT, TEXT) (SFUNC = gc_step, STYPE = TEXT);
CREATE AGGREGATE group_concat(TEXT) (SFUNC = gc_step, STYPE = TEXT);

-- json_extract(JSON, '$.a.b'): the value at that path, as text.
CREATE FUNCTION json_extract(j TEXT, path TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE AS
  $$SELECT j::jsonb #>> string_to_array(substr(path, 3), '.')$$;

-- last_insert_rowid(): the id the last INSERT of this session made.
CREATE FUNCTION last_insert_rowid() RETURNS BIGINT LANGUAGE sql AS
  'SELECT lastval()';

-- integrity_check(): PRAGMA integrity_check's "ok" when amcheck finds
-- every B-tree index of the store whole and holding every row of its
-- table (it raises an error otherwise).
CREATE EXTENSION amcheck SCHEMA sqlite_compat;
CREATE FUNCTION integrity_check() RETURNS TEXT LANGUAGE sql AS $$
SELECT CASE WHEN count(sqlite_compat.bt_index_check(c.oid, true)) >= 0
  THEN 'ok' END
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam
WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace
$$;
