-- Events stay append-only with one exception, for erasure (GDPR art. 17): an event's payload
-- may be replaced by a redacted one (marked "redacted": true); nothing else about it may change.
DROP TRIGGER events_are_append_only_u;
CREATE TRIGGER events_are_append_only_u BEFORE UPDATE ON events
WHEN NOT (json_extract(NEW.payload, '$.redacted') IS 1 AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq
          AND NEW.on_date = OLD.on_date AND NEW.recorded_at = OLD.recorded_at AND NEW.kind = OLD.kind
          AND NEW.actor = OLD.actor AND NEW.version_hash = OLD.version_hash)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
