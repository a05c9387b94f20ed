-- The gateway breaker is open: no call was made, so the attempt is given back; due at the probe.
UPDATE messages
   SET delivery_attempts = delivery_attempts - 1, delivery_locked_until = NULL,
       delivery_run_at = now() + make_interval(secs => :#${bean:gatewayBreaker.secondsUntilHalfOpen})
 WHERE id = :#${variable.reply[id]} AND delivery_status = 'pending'
   AND delivery_attempts = :#${variable.reply[delivery_attempts]}
