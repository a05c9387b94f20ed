-- The gateway took the reply. Only this claim may record it (same attempt, still pending).
UPDATE messages
   SET delivery_status = 'sent', delivered_at = now(), gateway_reply_id = :#${variable.gatewayReplyId},
       delivery_error = NULL, delivery_locked_until = NULL
 WHERE id = :#${variable.reply[id]} AND delivery_status = 'pending'
   AND delivery_attempts = :#${variable.reply[delivery_attempts]}
