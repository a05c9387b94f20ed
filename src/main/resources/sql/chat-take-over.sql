-- An operator hands a chat to humans for :minutes from now (admin API, worker MBean).
INSERT INTO chat_handoffs AS h (instance, chat, human_until, changed_by)
VALUES (:'instance', :'chat', now() + make_interval(mins => CAST(:minutes AS integer)), 'operator')
ON CONFLICT (instance, chat) DO UPDATE
    SET human_until = EXCLUDED.human_until, changed_by = 'operator', updated_at = now()
RETURNING trim(both '"' from to_jsonb(human_until)::text) AS human_until
