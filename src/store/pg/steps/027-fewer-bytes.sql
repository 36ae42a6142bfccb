-- Version 27 on PostgreSQL (SQLite's 027-fewer-bytes.sql): the audit
-- chain's hash and link to the entry before as bytes (BYTEA), the bytes
-- their hex digits stand for.  A column PostgreSQL has one type for, so
-- every entry is converted here; a value that is not lowercase hex (an
-- entry someone wrote by hand) keeps its characters as its bytes, and
-- still does not verify.  The full-text index is a tsvector here, with
-- no sizes kept beside it: nothing to change.
ALTER TABLE audit
  ALTER COLUMN prev_hash TYPE BYTEA USING CASE
    WHEN prev_hash ~ '^([0-9a-f]{2})*$' THEN decode(prev_hash, 'hex')
    ELSE convert_to(prev_hash, 'UTF8') END,
  ALTER COLUMN hash TYPE BYTEA USING CASE
    WHEN hash ~ '^([0-9a-f]{2})*$' THEN decode(hash, 'hex')
    ELSE convert_to(hash, 'UTF8') END;
UPDATE papigw_schema SET version = 27;
