-- Version 23: wards as tenants.  Each case belongs to the ward whose
-- gateway took it in (ward.id of papigw.conf); a store of one ward keeps
-- the empty ward, as the cases made before this version have.  The rows
-- of a case (its messages, replies, events, notes) belong to its ward
-- through the case.  cases_ward serves a ward's newest cases.
--
-- The lines that are not comments are joined as they are, with no newline
-- or space between them (scripts/embed-sql.sh): a line that goes on with
-- a statement begins with its own spaces.
ALTER TABLE cases ADD COLUMN ward TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_ward ON cases (ward, created);
PRAGMA user_version = 23;
