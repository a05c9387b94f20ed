-- The gateway breaker is open: no call was made, so the attempt is given back; due at the probe
-- (only by the claim holding the reply: its lease token).
UPDATE messages
   SET delivery_attempts = delivery_attempts - 1, delivery_locked_until = NULL, delivery_lease_token = NULL,
       delivery_run_at = now() + make_interval(secs => :delaySeconds)
 WHERE id = :id AND delivery_status = 'pending'
   AND delivery_lease_token = :delivery_lease_token
