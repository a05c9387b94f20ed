-- The reply met a number-health answer: it was not sent, so the attempt is given back and the claim
-- released (only by the claim holding it: its lease token); it stays pending, due at once, and the
-- claim skips it while its instance is paused (sql/deliver-claim.sql), so it goes out, once and in
-- its chat's order, when the pause ends.
UPDATE messages
   SET delivery_attempts = delivery_attempts - 1, delivery_locked_until = NULL, delivery_lease_token = NULL,
       delivery_run_at = now(), delivery_error = :'deliveryError'
 WHERE id = :id AND delivery_status = 'pending'
   AND delivery_lease_token = :delivery_lease_token
