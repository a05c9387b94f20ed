-- Claim due replies in one statement. SKIP LOCKED: the listener, the sweep and other nodes never
-- take the same reply. A claim counts an attempt (the fencing token of this delivery) and stamps a
-- lease; a node that dies mid-delivery leaves the reply to be claimed again once the lease ends.
UPDATE messages m
   SET delivery_attempts     = m.delivery_attempts + 1,
       delivery_locked_until = now() + make_interval(secs => :#${bean:gatewayDelivery.getLeaseSeconds})
 WHERE m.id IN (SELECT id
                  FROM messages
                 WHERE delivery_status = 'pending' AND delivery_run_at <= now()
                   AND (delivery_locked_until IS NULL OR delivery_locked_until < now())
                 ORDER BY delivery_run_at, id
                 LIMIT :#${bean:gatewayDelivery.getClaimBatch}
                   FOR UPDATE SKIP LOCKED)
RETURNING m.id, m.instance, m.chat, m.body, m.delivery_attempts, m.gateway, m.gateway_account, m.reply_to
