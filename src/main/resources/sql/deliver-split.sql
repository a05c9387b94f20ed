-- The first POST of a reply that goes out in parts (or reformatted for WhatsApp): its parts stored,
-- numbered in sending order, before any of them is posted; only by the claim holding the reply (its
-- lease token) and only once (delivery_parts still NULL), so every later claim sends the same parts.
-- No row: another claim has the reply, and this one posts nothing.
WITH reply AS (
    UPDATE messages
       SET delivery_parts = jsonb_array_length(CAST(:'partsJson' AS jsonb))
     WHERE id = :id AND delivery_status = 'pending' AND delivery_parts IS NULL
       AND delivery_lease_token = :delivery_lease_token
 RETURNING id
)
INSERT INTO reply_parts (message_id, part, body)
SELECT reply.id, p.part, p.body
  FROM reply, jsonb_array_elements_text(CAST(:'partsJson' AS jsonb)) WITH ORDINALITY AS p(body, part)
