-- Reply delivery (the outbox): an outbound message row is the reply to send to the WhatsApp
-- gateway, written in the same statement that completes its job (sql/job-done.sql). Routes in
-- routes/09-deliver.camel.yaml send it; every state change is one UPDATE in sql/deliver-*.sql.
ALTER TABLE messages
    ADD COLUMN delivery_status       text CHECK (delivery_status IN ('pending', 'sent', 'failed', 'off')),
    ADD COLUMN delivery_attempts     integer NOT NULL DEFAULT 0,
    ADD COLUMN delivery_run_at       timestamptz,          -- a pending reply is due from then
    ADD COLUMN delivery_locked_until timestamptz,          -- lease of the node sending it
    ADD COLUMN delivered_at          timestamptz,
    ADD COLUMN delivery_error        text,
    ADD COLUMN gateway_reply_id      text;                 -- the gateway's id of the sent message

-- replies stored before delivery existed are not sent late. Inbound rows never have a delivery
-- state; an outbound row written without one (an import, a test's history) is simply not sent.
UPDATE messages SET delivery_status = 'off' WHERE direction = 'out';
ALTER TABLE messages ADD CONSTRAINT messages_delivery_outbound_only
    CHECK (direction = 'out' OR delivery_status IS NULL);

-- the delivery claim: due pending replies in order (a small partial index, it holds only the queue)
CREATE INDEX messages_delivery_due ON messages (delivery_run_at, id) WHERE delivery_status = 'pending';

-- wake the delivery: NOTIFY ai_replies_channel with the new reply's id (delivered at commit)
CREATE FUNCTION messages_reply_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ai_replies_channel', NEW.id::text);
    RETURN NEW;
END $$;
CREATE TRIGGER messages_reply_notify AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.direction = 'out' AND NEW.delivery_status = 'pending')
    EXECUTE FUNCTION messages_reply_notify();
