-- Right before the POST: this claim still holds the reply (its token, its lease not run out), and the
-- lease is renewed for the POST about to start. One row, or the reply is not posted.
UPDATE messages
   SET delivery_locked_until = now() + make_interval(secs => :leaseSeconds)
 WHERE id = :id AND delivery_status = 'pending'
   AND delivery_lease_token = :delivery_lease_token AND delivery_locked_until > now()
