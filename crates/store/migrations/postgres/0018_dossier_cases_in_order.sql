-- A dossier's cases in the order they were made, so that the look-up of a referral's dossier
-- (its first case) reads them from this index without a sort: cheaper than any other way for
-- every statistics. With (program, dossier) alone, a plan made while the store was small
-- found it no dearer to walk every case of the programme in `cases_in_organisation`, and did
-- so for each referral (800 buffers at 1,000 cases) until the table was analysed again.
-- (SQLite's indexes end in the row's number already.)
DROP INDEX cases_by_dossier;
CREATE INDEX cases_by_dossier ON cases(program, dossier, id);
