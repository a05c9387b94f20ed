-- GET /api/instances/{instance}: the stored settings (all NULL when the instance has none) and
-- today's spend.
SELECT :'instance' AS instance, s.system_prompt, s.model, s.fallback_models, s.enabled,
       s.quiet_ms, s.handoff_minutes, s.daily_spend_cap_usd, s.updated_at,
       -- the webhook credentials: only whether each is set
       s.webhook_token_sha256 IS NOT NULL AS webhook_token_set, s.webhook_hmac_secret IS NOT NULL AS webhook_hmac_secret_set,
       s.agent::text AS agent,
       s.knowledge_chars, -- knowledge budget per instance (V15)
       COALESCE(sp.cost_usd, 0) AS spent_today_usd, sp.cap_alerted_at
  FROM (SELECT 1) one
  LEFT JOIN instance_settings s ON s.instance = :'instance'
  LEFT JOIN instance_spend sp ON sp.instance = :'instance' AND sp.day = (now() AT TIME ZONE 'UTC')::date
