-- The parts of a reply not sent yet, in sending order, with how many parts the reply has.
SELECT p.part, p.body, m.delivery_parts AS parts
  FROM reply_parts p JOIN messages m ON m.id = p.message_id
 WHERE p.message_id = :id AND p.sent_at IS NULL
 ORDER BY p.part
