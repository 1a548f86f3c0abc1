-- One referral, one case: the OCMW's dossier number (the referral's id) per programme.
ALTER TABLE cases ADD COLUMN dossier TEXT;
UPDATE cases SET dossier = json_extract(referral, '$.id');
CREATE INDEX cases_by_dossier ON cases(program, dossier);
