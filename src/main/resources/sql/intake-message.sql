-- Store an inbound message and its job in one statement (so in one transaction).
-- A gateway message id seen before inserts nothing and returns the existing job (created = false).
-- The job is due after the chat's quiet period (quietMs, 0 = at once).
WITH inbound AS (
    INSERT INTO messages (instance, chat, direction, author, gateway_message_id, sender, push_name, body,
                          gateway, gateway_account, reply_to, sent_at)
    VALUES (:#instance, :#chat, 'in', 'customer', :#gatewayMessageId, :#sender, :#pushName, :#text,
            :#gateway, :#gatewayAccount, :#replyTo, CAST(:#sentAt AS timestamptz))
    ON CONFLICT (instance, gateway_message_id) DO NOTHING
    RETURNING id, instance, chat
), job AS (
    INSERT INTO ai_jobs (message_id, instance, chat, max_attempts, context_messages, input_json, quiet_ms, run_at)
    SELECT id, instance, chat, :#maxAttempts, :#contextMessages, CAST(:#inputJson AS jsonb),
           :#quietMs, now() + make_interval(secs => :#quietMs / 1000.0) FROM inbound
    RETURNING id
)
SELECT id AS job_id, true AS created FROM job
UNION ALL
SELECT j.id, false
  FROM ai_jobs j JOIN messages m ON m.id = j.message_id
 WHERE m.instance = :#instance AND m.gateway_message_id = :#gatewayMessageId
