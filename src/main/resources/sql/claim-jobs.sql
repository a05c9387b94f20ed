-- Claim due jobs for this node in one statement. SKIP LOCKED: concurrent claims (other threads,
-- other nodes) never take the same job and never wait for each other. Each claim consumes an
-- attempt, stamps a lease that outlives the slowest legitimate call, and a fresh fencing token
-- (lease_token): every later write of this run matches on that token. locked_by names the node
-- for operators only.
UPDATE ai_jobs j
   SET status       = 'processing',
       attempts     = j.attempts + 1,
       locked_by    = :#nodeId,
       lease_token  = nextval('lease_tokens'),
       locked_until = now() + make_interval(secs => :#leaseSeconds)
 WHERE j.id IN (SELECT id
                  FROM ai_jobs
                 WHERE status = 'pending' AND run_at <= now()
                 ORDER BY run_at, id
                 LIMIT :#slots
                   FOR UPDATE SKIP LOCKED)
RETURNING j.id, j.message_id, j.instance, j.chat, j.attempts, j.max_attempts, j.context_messages,
          j.input_json::text AS input_json, j.lease_token
