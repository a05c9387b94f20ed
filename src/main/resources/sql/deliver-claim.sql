-- Claim due replies in one statement, at most one per chat: the chat's oldest undelivered reply, and
-- none of a chat whose oldest reply is in flight (its lease holds) or waiting for a retry, so the
-- replies of one chat go out in order while different chats go out side by side. A due reply is
-- kept only when it is its chat's oldest pending one: one probe of messages_pending_reply_per_chat
-- per reply looked at, whatever the planner's statistics say. (The former DISTINCT ON over the
-- pending outbox was read again for each candidate when the statistics predated a backlog: seconds
-- per claim at a few thousand pending replies, after a gateway outage.) With statistics that know
-- the backlog, the due replies are walked in order and a claim reads about as many as it takes. SKIP
-- LOCKED: the listener, the sweep and other nodes never take the same reply. Each reply gets a
-- lease of its own (one POST plus a margin) and a fresh fencing token: every later write of this
-- delivery, and the check right before the POST, matches on it. A node that dies mid-delivery
-- leaves the reply to be claimed again once its lease ends. The number's health (V18): none of an
-- instance whose delivery is paused; they stay pending, in order, until the pause ends.
UPDATE messages m
   SET delivery_attempts     = m.delivery_attempts + 1,
       delivery_lease_token  = nextval('lease_tokens'),
       delivery_locked_until = now() + make_interval(secs => :leaseSeconds)
 WHERE m.id = ANY (ARRAY(SELECT c.id
                           FROM messages c
                          WHERE c.delivery_status = 'pending' AND c.delivery_run_at <= now()
                            AND (c.delivery_locked_until IS NULL OR c.delivery_locked_until < now())
                            -- the oldest pending reply of its chat (c is pending, so <= means =; written <= the planner
                            -- expects some replies to pass and walks messages_delivery_due in order, not all of it)
                            AND c.id <= (SELECT min(o.id) FROM messages o
                                          WHERE o.delivery_status = 'pending' AND o.instance = c.instance AND o.chat = c.chat)
                            AND NOT EXISTS (SELECT 1 FROM instance_delivery_pauses p
                                             WHERE p.instance = c.instance AND p.paused_until > now())
                          ORDER BY c.delivery_run_at, c.id
                          LIMIT :slots
                            FOR UPDATE SKIP LOCKED))
RETURNING m.id, m.instance, m.chat, m.body, m.delivery_attempts, m.delivery_lease_token,
          m.gateway, m.gateway_account, m.reply_to, m.delivery_parts
