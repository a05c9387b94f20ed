-- Every instance's own settings (NULL = the default), read by the worker's short cache: one row per
-- connected business number, a small table.
SELECT instance, system_prompt, model, fallback_models, enabled, quiet_ms, handoff_minutes, daily_spend_cap_usd
  FROM instance_settings
