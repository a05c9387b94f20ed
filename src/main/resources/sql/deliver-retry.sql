-- A retryable failure (timeout, 429, 5xx): pending again after the backoff (only by the claim
-- holding the reply: its lease token).
UPDATE messages
   SET delivery_run_at = now() + make_interval(secs => :#${variable.delayMs} / 1000.0),
       delivery_error = :#${variable.deliveryError}, delivery_locked_until = NULL, delivery_lease_token = NULL
 WHERE id = :#${variable.reply[id]} AND delivery_status = 'pending'
   AND delivery_lease_token = :#${variable.reply[delivery_lease_token]}
