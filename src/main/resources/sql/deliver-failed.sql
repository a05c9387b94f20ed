-- The reply will not be delivered: a 4xx from the gateway, or the attempts are spent.
UPDATE messages
   SET delivery_status = 'failed', delivery_error = :#${variable.deliveryError}, delivery_locked_until = NULL
 WHERE id = :#${variable.reply[id]} AND delivery_status = 'pending'
   AND delivery_attempts = :#${variable.reply[delivery_attempts]}
