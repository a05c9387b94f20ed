-- Every instance's own settings (NULL = the default), read by the worker's short cache: one row per
-- connected business number, a small table; agent: how the AI behaves in a chat (V14, docs/agent.md).
SELECT instance, system_prompt, model, fallback_models, enabled, quiet_ms, handoff_minutes, daily_spend_cap_usd,
       agent::text AS agent,
       knowledge_chars -- knowledge budget per instance (V15, docs/knowledge.md); NULL = budget-chars
  FROM instance_settings
