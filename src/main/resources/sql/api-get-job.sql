-- One job as JSON: the row, its customer message, its reply and the reply's delivery.
SELECT (to_jsonb(j) || jsonb_build_object('message', m.body, 'reply', r.body,
        'delivery', CASE WHEN r.id IS NULL THEN NULL ELSE jsonb_build_object(
            'status', r.delivery_status, 'attempts', r.delivery_attempts, 'next_attempt_at', r.delivery_run_at,
            'delivered_at', r.delivered_at, 'error', r.delivery_error, 'gateway_reply_id', r.gateway_reply_id) END))::text AS json
  FROM ai_jobs j
  JOIN messages m ON m.id = j.message_id
  LEFT JOIN messages r ON r.job_id = j.id AND r.direction = 'out'
 WHERE j.id = :jobId
