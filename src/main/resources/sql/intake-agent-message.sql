-- A from-me message (written from the business phone), in one statement. The echo of an AI reply or
-- of one of its parts (the gateway id its send returned, or its text in the chat within echoMinutes of
-- its delivery) changes nothing. Anything else is a human agent: stored as the chat's outbound
-- history (author agent, never delivered) and the chat handed to humans until handoffMinutes after
-- this message (an operator's longer take-over is kept). The same gateway message id twice is stored once.
-- outcome: echo, agent, or duplicate; human_until: the end of the handoff (agent only).
WITH echo AS (
    SELECT 1
      FROM messages r
     WHERE r.instance = :'instance' AND r.direction = 'out' AND r.author IS DISTINCT FROM 'agent'
       AND (r.gateway_reply_id = :'gatewayMessageId'
            OR (r.chat = :'chat' AND r.body = :'text'
                AND coalesce(r.delivered_at, r.created_at) > now() - make_interval(mins => CAST(:echoMinutes AS integer))))
    UNION ALL
    -- a part of a reply sent in parts (V14 reply_parts): the gateway id its send returned
    SELECT 1
      FROM reply_parts p JOIN messages r ON r.id = p.message_id
     WHERE p.gateway_reply_id = :'gatewayMessageId' AND r.instance = :'instance'
    UNION ALL
    -- or its text in the chat within echoMinutes of its delivery
    SELECT 1
      FROM messages r JOIN reply_parts p ON p.message_id = r.id
     WHERE r.instance = :'instance' AND r.chat = :'chat' AND r.direction = 'out' AND r.delivery_parts IS NOT NULL
       AND p.body = :'text'
       AND coalesce(p.sent_at, r.created_at) > now() - make_interval(mins => CAST(:echoMinutes AS integer))
     LIMIT 1
), agent AS (
    INSERT INTO messages (instance, chat, direction, author, gateway_message_id, sender, push_name, body,
                          gateway, gateway_account, reply_to, sent_at)
    SELECT CAST(:'instance' AS text), CAST(:'chat' AS text), 'out', 'agent', CAST(:'gatewayMessageId' AS text),
           CAST(:'sender' AS text), CAST(:'pushName' AS text), CAST(:'text' AS text), CAST(:'gateway' AS text),
           CAST(:'gatewayAccount' AS text), CAST(:'replyTo' AS text), CAST(:'sentAt' AS timestamptz)
     WHERE NOT EXISTS (SELECT 1 FROM echo)
    ON CONFLICT (instance, gateway_message_id) DO NOTHING
    RETURNING instance, chat
), handoff AS (
    INSERT INTO chat_handoffs AS h (instance, chat, human_until, changed_by)
    SELECT instance, chat, now() + make_interval(mins => CAST(:handoffMinutes AS integer)), 'agent' FROM agent
    ON CONFLICT (instance, chat) DO UPDATE
        SET human_until = GREATEST(h.human_until, EXCLUDED.human_until), changed_by = 'agent', updated_at = now()
    RETURNING human_until
)
SELECT CASE WHEN EXISTS (SELECT 1 FROM echo) THEN 'echo'
            WHEN EXISTS (SELECT 1 FROM agent) THEN 'agent'
            ELSE 'duplicate' END AS outcome,
       (SELECT trim(both '"' from to_jsonb(human_until)::text) FROM handoff) AS human_until
