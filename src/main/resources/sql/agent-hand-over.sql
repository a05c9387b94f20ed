-- The model handed the chat over (docs/agent.md): humans have it for the instance's handoff minutes
-- from now, as after a human agent's message; a longer take-over already there is kept.
INSERT INTO chat_handoffs AS h (instance, chat, human_until, changed_by)
VALUES (:'instance', :'chat',
        now() + make_interval(mins => CAST(:handoverMinutes AS integer)), 'ai')
ON CONFLICT (instance, chat) DO UPDATE
    SET human_until = GREATEST(h.human_until, EXCLUDED.human_until), changed_by = 'ai', updated_at = now()
RETURNING trim(both '"' from to_jsonb(human_until)::text) AS human_until
