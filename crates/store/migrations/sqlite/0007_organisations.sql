-- Tenancy: several organisations (OCMWs) may share one store; each case and user belongs to
-- one (NULL: a single-organisation store, or a user who works across organisations).
ALTER TABLE cases ADD COLUMN org TEXT;
ALTER TABLE users ADD COLUMN org TEXT;
CREATE INDEX cases_by_org ON cases(org, program, state);
