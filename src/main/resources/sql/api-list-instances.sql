-- GET /api/instances: the instances with settings of their own (stored values; NULL = default).
SELECT COALESCE(jsonb_agg(jsonb_build_object(
           'instance', instance, 'system_prompt', system_prompt, 'model', model,
           'fallback_models', to_jsonb(fallback_models), 'enabled', enabled, 'quiet_ms', quiet_ms,
           'handoff_minutes', handoff_minutes, 'daily_spend_cap_usd', daily_spend_cap_usd,
           'webhook_token_set', webhook_token_sha256 IS NOT NULL,
           'webhook_hmac_secret_set', webhook_hmac_secret IS NOT NULL,
           'updated_at', updated_at) ORDER BY instance), '[]'::jsonb)::text AS json
  FROM instance_settings
