-- The gateway took the reply. Only the claim that sent it may record it (its lease token, still
-- pending).
UPDATE messages
   SET delivery_status = 'sent', delivered_at = now(), gateway_reply_id = :'gatewayReplyId',
       delivery_error = NULL, delivery_locked_until = NULL, delivery_lease_token = NULL
 WHERE id = :id AND delivery_status = 'pending'
   AND delivery_lease_token = :delivery_lease_token
