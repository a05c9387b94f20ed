-- Complete the job and store the reply as the chat's outbound message, in one statement. Only the
-- lease holder may complete it: a job rescued from this node meanwhile is left alone (0 rows).
-- The reply row is the delivery outbox: 'pending' when a gateway is configured, else 'off'.
WITH done AS (
    UPDATE ai_jobs
       SET status = 'done', output_json = CAST(:#${variable.output} AS jsonb),
           error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL
     WHERE id = :#${variable.job[id]} AND status = 'processing' AND locked_by = :#${bean:workerNode.getId}
 RETURNING id, instance, chat
)
INSERT INTO messages (instance, chat, direction, body, job_id, delivery_status, delivery_run_at)
SELECT instance, chat, 'out', CAST(:#${variable.output} AS jsonb) ->> 'reply', id,
       :#${bean:gatewayDelivery.getInitialStatus}, now() FROM done
RETURNING job_id
