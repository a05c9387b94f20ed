-- Settings per instance (one connected business number). Every column but the key may be NULL,
-- which means "the default of application.yaml" (ai-worker.system-prompt, ai-worker.openrouter.model,
-- ai-worker.instances.*, ai-worker.conversation.*). Kept through the admin API (/api/instances);
-- the worker reads the table through a short cache (ai-worker.instances.cache-ms).
CREATE TABLE instance_settings (
    instance            text        PRIMARY KEY,
    system_prompt       text,
    model               text,
    fallback_models     text[],                                           -- tried in order after model
    enabled             boolean,                                          -- false: jobs end without a call
    quiet_ms            integer     CHECK (quiet_ms >= 0),
    handoff_minutes     integer     CHECK (handoff_minutes >= 0),
    daily_spend_cap_usd numeric(12, 4) CHECK (daily_spend_cap_usd >= 0),  -- USD per UTC day
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- What each instance spent per UTC day: the sum of output_json.cost of its done jobs, kept by the
-- trigger below when a job becomes done, so the spend-cap check before a call reads one row instead
-- of summing the day's jobs. cap_alerted_at: when the cap alert of that day was posted (once a day
-- per instance, whichever node gets there first).
CREATE TABLE instance_spend (
    instance       text           NOT NULL,
    day            date           NOT NULL,
    cost_usd       numeric(16, 8) NOT NULL DEFAULT 0,
    done_jobs      integer        NOT NULL DEFAULT 0,
    cap_alerted_at timestamptz,
    PRIMARY KEY (instance, day)
);

CREATE FUNCTION ai_jobs_spend() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO instance_spend AS s (instance, day, cost_usd, done_jobs)
    VALUES (NEW.instance, (now() AT TIME ZONE 'UTC')::date, COALESCE((NEW.output_json ->> 'cost')::numeric, 0), 1)
    ON CONFLICT (instance, day) DO UPDATE
        SET cost_usd = s.cost_usd + EXCLUDED.cost_usd, done_jobs = s.done_jobs + 1;
    RETURN NEW;
END $$;
-- only jobs that became done with a cost (an answered call); skipped or absorbed jobs carry none
CREATE TRIGGER ai_jobs_spend AFTER UPDATE OF status ON ai_jobs FOR EACH ROW
    WHEN (NEW.status = 'done' AND OLD.status <> 'done' AND (NEW.output_json -> 'cost') IS NOT NULL)
    EXECUTE FUNCTION ai_jobs_spend();

-- today's spend of the jobs done before this migration
INSERT INTO instance_spend (instance, day, cost_usd, done_jobs)
SELECT instance, (now() AT TIME ZONE 'UTC')::date, SUM(COALESCE((output_json ->> 'cost')::numeric, 0)), COUNT(*)
  FROM ai_jobs
 WHERE status = 'done' AND (output_json -> 'cost') IS NOT NULL
   AND updated_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
 GROUP BY instance;
