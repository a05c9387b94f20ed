-- An operator turns the AI on again for a contact who opted out (admin API: DELETE
-- /api/chats/{instance}/{chat}/opt-out); the contact's answer as JSON.
WITH changed AS (
    UPDATE chat_switches
       SET opted_out_at = NULL, changed_by = 'operator', updated_at = now()
     WHERE instance = :'instance' AND chat = :'chat' AND opted_out_at IS NOT NULL
    RETURNING 1
)
SELECT jsonb_build_object('instance', CAST(:'instance' AS text), 'chat', CAST(:'chat' AS text),
           'opted_out', false, 'changed', EXISTS (SELECT 1 FROM changed))::text AS json
