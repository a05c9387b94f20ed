-- The reply will not be delivered: a 4xx from the gateway, or the attempts are spent (only by the
-- claim holding it: its lease token).
UPDATE messages
   SET delivery_status = 'failed', delivery_error = :'deliveryError', delivery_locked_until = NULL,
       delivery_lease_token = NULL
 WHERE id = :id AND delivery_status = 'pending'
   AND delivery_lease_token = :delivery_lease_token
