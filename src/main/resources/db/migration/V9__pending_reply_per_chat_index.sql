-- The reply claim (sql/deliver-claim.sql) takes each chat's oldest pending reply: DISTINCT ON
-- (instance, chat) over the pending outbox. This index serves it in order, so a large backlog (a
-- gateway outage) is not sorted again on every sweep and notification.
CREATE INDEX messages_pending_reply_per_chat ON messages (instance, chat, id) WHERE delivery_status = 'pending';
