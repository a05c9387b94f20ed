-- PUT (replace = true: every field not given goes back to its default) or PATCH (replace = false:
-- the given fields over the stored ones) of /api/instances/{instance}. The settings come checked as
-- one JSON object; a field given as null means "the default". The webhook token is stored as its
-- SHA-256 only (V11); in a PATCH, a credential not given keeps its stored value; a JSON null
-- removes it.
INSERT INTO instance_settings AS s (instance, system_prompt, model, fallback_models, enabled, quiet_ms,
                                    handoff_minutes, daily_spend_cap_usd, agent, updated_at,
                                    webhook_token_sha256, webhook_hmac_secret,
                                    knowledge_chars)
SELECT :'instance', v ->> 'system_prompt', v ->> 'model',
       CASE WHEN jsonb_typeof(v -> 'fallback_models') = 'array'
            THEN ARRAY(SELECT jsonb_array_elements_text(v -> 'fallback_models')) END,
       (v ->> 'enabled')::boolean, (v ->> 'quiet_ms')::integer, (v ->> 'handoff_minutes')::integer,
       (v ->> 'daily_spend_cap_usd')::numeric,
       CASE WHEN jsonb_typeof(v -> 'agent') = 'object' THEN v -> 'agent' END, now(),
       CASE WHEN (v -> 'webhook_token') IS NOT NULL THEN
            encode(sha256(convert_to(v ->> 'webhook_token', 'UTF8')), 'hex')
            ELSE v ->> 'webhook_token_sha256' END,
       v ->> 'webhook_hmac_secret',
       (v ->> 'knowledge_chars')::integer -- knowledge budget per instance (V15)
  FROM (SELECT CASE WHEN :replace THEN given
                    ELSE COALESCE((SELECT to_jsonb(old) FROM instance_settings old
                                    WHERE old.instance = :'instance'), '{}'::jsonb) || given END AS v
          FROM (SELECT CAST(:'settings' AS jsonb) AS given) g) merged
ON CONFLICT (instance) DO UPDATE
   SET (system_prompt, model, fallback_models, enabled, quiet_ms, handoff_minutes, daily_spend_cap_usd, agent, updated_at,
        webhook_token_sha256, webhook_hmac_secret, knowledge_chars)
     = (EXCLUDED.system_prompt, EXCLUDED.model, EXCLUDED.fallback_models, EXCLUDED.enabled, EXCLUDED.quiet_ms,
        EXCLUDED.handoff_minutes, EXCLUDED.daily_spend_cap_usd, EXCLUDED.agent, now(),
        EXCLUDED.webhook_token_sha256, EXCLUDED.webhook_hmac_secret, EXCLUDED.knowledge_chars)
RETURNING instance
