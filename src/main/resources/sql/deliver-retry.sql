-- A retryable failure (timeout, 429, 5xx): pending again after the backoff (only by the claim
-- holding the reply: its lease token).
UPDATE messages
   SET delivery_run_at = now() + make_interval(secs => :delayMs / 1000.0),
       delivery_error = :'deliveryError', delivery_locked_until = NULL, delivery_lease_token = NULL
 WHERE id = :id AND delivery_status = 'pending'
   AND delivery_lease_token = :delivery_lease_token
