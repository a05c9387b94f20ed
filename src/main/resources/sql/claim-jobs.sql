-- Claim due jobs for this node in one statement. SKIP LOCKED: concurrent claims (other threads,
-- other nodes) never take the same job and never wait for each other. Each claim consumes an
-- attempt, stamps a lease that outlives the slowest legitimate call, and a fresh fencing token
-- (lease_token): every later write of this run matches on that token. locked_by names the node
-- for operators only.
-- A job with a quiet period (quiet_ms > 0) answers its chat's burst: it is taken only while it is
-- its chat's newest pending job (a newer message starts a newer quiet period) and no job of its chat
-- is processing, so one claim per chat at a time, across nodes: a concurrent claim that saw the
-- newest job pending either finds it locked (skipped) or, once committed, re-reads it as processing,
-- and never takes an older job while its snapshot shows a newer one pending. Both checks are one
-- probe of the chat's open jobs (ai_jobs_chat_open), whatever the planner's statistics say: with a
-- backlog the planner has not seen yet, a check it may run against the whole queue made each claim
-- read the backlog once per candidate (seconds per claim at a few thousand pending jobs).
-- Each job comes with its chat's handoff: human_until while a human agent has the chat, else null;
-- and the contact's own switch of the AI (V14, docs/agent.md): chat_switch opted_out, started or null.
UPDATE ai_jobs j
   SET status       = 'processing',
       attempts     = j.attempts + 1,
       locked_by    = :'nodeId',
       lease_token  = nextval('lease_tokens'),
       locked_until = now() + make_interval(secs => :leaseSeconds)
 WHERE j.id = ANY (ARRAY(SELECT a.id
                           FROM ai_jobs a
                          WHERE a.status = 'pending' AND a.run_at <= now()
                            AND (a.quiet_ms = 0
                                 OR NOT EXISTS (SELECT 1 FROM ai_jobs o
                                                 WHERE o.instance = a.instance AND o.chat = a.chat
                                                   AND o.status IN ('pending', 'processing')
                                                   AND (o.status = 'processing' OR (o.id > a.id AND o.quiet_ms > 0))))
                          ORDER BY a.run_at, a.id
                          LIMIT :slots
                            FOR UPDATE SKIP LOCKED))
RETURNING j.id, j.message_id, j.instance, j.chat, j.attempts, j.max_attempts, j.context_messages,
          j.input_json::text AS input_json, j.lease_token,
          (SELECT trim(both '"' from to_jsonb(h.human_until)::text)
             FROM chat_handoffs h
            WHERE h.instance = j.instance AND h.chat = j.chat AND h.human_until > now()) AS human_until,
          (SELECT CASE WHEN s.opted_out_at IS NOT NULL THEN 'opted_out' WHEN s.started_at IS NOT NULL THEN 'started' END
             FROM chat_switches s
            WHERE s.instance = j.instance AND s.chat = j.chat) AS chat_switch
