-- A retryable failure (timeout, 429, 5xx): pending again after the backoff.
UPDATE messages
   SET delivery_run_at = now() + make_interval(secs => :#${variable.delayMs} / 1000.0),
       delivery_error = :#${variable.deliveryError}, delivery_locked_until = NULL
 WHERE id = :#${variable.reply[id]} AND delivery_status = 'pending'
   AND delivery_attempts = :#${variable.reply[delivery_attempts]}
