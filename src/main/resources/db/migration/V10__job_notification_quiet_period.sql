-- The new job's NOTIFY carries its quiet period: payload "<id>" for a job due at once (as before),
-- "<id> <quiet_ms>" for one that falls due after its chat's quiet period (the instance's own, or the
-- default), so a listener claims again exactly that long later (route claim-after-quiet-period).
CREATE OR REPLACE FUNCTION ai_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ai_jobs_channel',
                      CASE WHEN NEW.quiet_ms > 0 THEN NEW.id || ' ' || NEW.quiet_ms ELSE NEW.id::text END);
    RETURN NEW;
END $$;
