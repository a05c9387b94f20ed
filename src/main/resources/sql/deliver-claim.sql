-- Claim due replies in one statement, at most one per chat: the chat's oldest undelivered reply, and
-- none of a chat whose oldest reply is in flight (its lease holds) or waiting for a retry, so the
-- replies of one chat go out in order while different chats go out side by side. SKIP LOCKED: the
-- listener, the sweep and other nodes never take the same reply. Each reply gets a lease of its own
-- (one POST plus a margin) and a fresh fencing token: every later write of this delivery, and the
-- check right before the POST, matches on it. A node that dies mid-delivery leaves the reply to be
-- claimed again once its lease ends. The number's health (V18): none of an instance whose delivery
-- is paused; they stay pending, in order, until the pause ends.
UPDATE messages m
   SET delivery_attempts     = m.delivery_attempts + 1,
       delivery_lease_token  = nextval('lease_tokens'),
       delivery_locked_until = now() + make_interval(secs => :leaseSeconds)
 WHERE m.id IN (SELECT c.id
                  FROM messages c
                 WHERE c.id IN (SELECT DISTINCT ON (instance, chat) id
                                  FROM messages
                                 WHERE delivery_status = 'pending'
                                 ORDER BY instance, chat, id)
                   AND c.delivery_status = 'pending' AND c.delivery_run_at <= now()
                   AND (c.delivery_locked_until IS NULL OR c.delivery_locked_until < now())
                   AND NOT EXISTS (SELECT 1 FROM instance_delivery_pauses p
                                    WHERE p.instance = c.instance AND p.paused_until > now())
                 ORDER BY c.delivery_run_at, c.id
                 LIMIT :slots
                   FOR UPDATE SKIP LOCKED)
RETURNING m.id, m.instance, m.chat, m.body, m.delivery_attempts, m.delivery_lease_token,
          m.gateway, m.gateway_account, m.reply_to, m.delivery_parts
