-- The gateway took one part of a reply. Only the claim that sent it may record it (its lease token,
-- the reply still pending), and the part only once; the reply is 'sent' with its last part (its
-- gateway_reply_id is then the last part's; each part keeps its own in reply_parts).
WITH part AS (
    UPDATE reply_parts p
       SET sent_at = now(), gateway_reply_id = :'gatewayReplyId'
      FROM messages m
     WHERE p.message_id = :id AND p.part = :partNumber AND p.sent_at IS NULL
       AND m.id = p.message_id AND m.delivery_status = 'pending'
       AND m.delivery_lease_token = :delivery_lease_token
 RETURNING p.message_id, p.part, p.part = m.delivery_parts AS last
)
UPDATE messages m
   SET delivery_parts_sent   = part.part,
       gateway_reply_id      = :'gatewayReplyId',
       delivery_error        = NULL,
       delivery_status       = CASE WHEN part.last THEN 'sent' ELSE m.delivery_status END,
       delivered_at          = CASE WHEN part.last THEN now() ELSE m.delivered_at END,
       delivery_locked_until = CASE WHEN part.last THEN NULL ELSE m.delivery_locked_until END,
       delivery_lease_token  = CASE WHEN part.last THEN NULL ELSE m.delivery_lease_token END
  FROM part
 WHERE m.id = part.message_id
RETURNING part.last
