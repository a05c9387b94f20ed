-- A chat's handoff state as JSON: who has it (ai or human) and until when.
SELECT jsonb_build_object('instance', CAST(:'instance' AS text), 'chat', CAST(:'chat' AS text),
           'handled_by', CASE WHEN h.human_until > now() THEN 'human' ELSE 'ai' END,
           'human_until', CASE WHEN h.human_until > now() THEN h.human_until END,
           'changed_by', h.changed_by, 'updated_at', h.updated_at)::text AS json
  FROM (SELECT 1) one
  LEFT JOIN chat_handoffs h ON h.instance = :'instance' AND h.chat = :'chat'
