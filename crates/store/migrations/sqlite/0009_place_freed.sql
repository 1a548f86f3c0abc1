-- A paused case whose programme frees its place while paused (`pause: {place: free}`): it
-- does not count against capacity until it resumes.
ALTER TABLE cases ADD COLUMN place_freed INTEGER NOT NULL DEFAULT 0;
