-- One job as JSON: the row, its customer message and its reply.
SELECT (to_jsonb(j) || jsonb_build_object('message', m.body, 'reply', r.body))::text AS json
  FROM ai_jobs j
  JOIN messages m ON m.id = j.message_id
  LEFT JOIN messages r ON r.job_id = j.id AND r.direction = 'out'
 WHERE j.id = :#${variable.id}
