-- Store inbound messages and their jobs: the messages posted at the same moment in one statement (so
-- in one transaction), one array element per message (IntakeStore: a gateway message id at most once
-- per batch). A gateway message id seen before inserts nothing and returns the existing job
-- (created = false); a message whose id a concurrent, not yet committed post holds returns no row, and
-- the caller asks again. Each job is due after its chat's quiet period (quiet_ms, 0 = at once).
WITH input AS (
    SELECT *
      FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                  CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                  CAST(? AS int[]), CAST(? AS int[]), CAST(? AS text[]), CAST(? AS int[]))
           WITH ORDINALITY AS i (instance, chat, gateway_message_id, sender, push_name, body, gateway, gateway_account,
                                 reply_to, sent_at, max_attempts, context_messages, input_json, quiet_ms, n)
), inbound AS (
    INSERT INTO messages (instance, chat, direction, author, gateway_message_id, sender, push_name, body,
                          gateway, gateway_account, reply_to, sent_at, kind)
    SELECT instance, chat, 'in', 'customer', gateway_message_id, sender, push_name, body,
           gateway, gateway_account, reply_to, CAST(sent_at AS timestamptz), CAST(input_json AS jsonb) ->> 'kind'
      FROM input
     ORDER BY n
    ON CONFLICT (instance, gateway_message_id) DO NOTHING
    RETURNING id, instance, gateway_message_id
), job AS (
    INSERT INTO ai_jobs (message_id, instance, chat, max_attempts, context_messages, input_json, quiet_ms, run_at)
    SELECT m.id, i.instance, i.chat, i.max_attempts, i.context_messages, CAST(i.input_json AS jsonb),
           i.quiet_ms, now() + make_interval(secs => i.quiet_ms / 1000.0)
      FROM inbound m JOIN input i USING (instance, gateway_message_id)
     ORDER BY i.n
    RETURNING id, message_id
)
-- the job of each message: the one inserted here, else the one stored before (read through the
-- unique indexes, one message at a time, whatever the planner thinks of the batch's size)
SELECT i.n, coalesce(j.id, old.id) AS job_id, j.id IS NOT NULL AS created
  FROM input i
  LEFT JOIN inbound m USING (instance, gateway_message_id)
  LEFT JOIN job j ON j.message_id = m.id
  LEFT JOIN LATERAL (SELECT oj.id
                       FROM messages om JOIN ai_jobs oj ON oj.message_id = om.id
                      WHERE om.instance = i.instance AND om.gateway_message_id = i.gateway_message_id) old ON m.id IS NULL
 WHERE j.id IS NOT NULL OR old.id IS NOT NULL
