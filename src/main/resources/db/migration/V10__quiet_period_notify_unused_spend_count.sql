-- The new job's NOTIFY carries its quiet period: payload "<id>" for a job due at once (as before),
-- "<id> <quiet_ms>" for one that falls due after its chat's quiet period (the instance's own, or the
-- default), so a listener claims again exactly that long later (route claim-after-quiet-period).
CREATE OR REPLACE FUNCTION ai_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ai_jobs_channel',
                      CASE WHEN NEW.quiet_ms > 0 THEN NEW.id || ' ' || NEW.quiet_ms ELSE NEW.id::text END);
    RETURN NEW;
END $$;

-- instance_spend.done_jobs was kept by the spend trigger but read by nothing (the spend cap reads
-- cost_usd): the trigger keeps the cost only, and the column goes.
CREATE OR REPLACE FUNCTION ai_jobs_spend() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO instance_spend AS s (instance, day, cost_usd)
    VALUES (NEW.instance, (now() AT TIME ZONE 'UTC')::date, COALESCE((NEW.output_json ->> 'cost')::numeric, 0))
    ON CONFLICT (instance, day) DO UPDATE
        SET cost_usd = s.cost_usd + EXCLUDED.cost_usd;
    RETURN NEW;
END $$;
ALTER TABLE instance_spend DROP COLUMN done_jobs;
