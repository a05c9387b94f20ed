-- Each message remembers the WhatsApp gateway it came through, so its reply goes back the same way
-- (routes/09-deliver.camel.yaml picks the send dialect per reply).
ALTER TABLE messages
    ADD COLUMN gateway         text,          -- evolution-go, wuzapi, evolution-api, waha, cloud-api; null = unknown
    ADD COLUMN gateway_account text,          -- what the send API addresses besides the chat: Cloud API phone_number_id,
                                              -- WAHA session, Evolution API instance name
    ADD COLUMN reply_to        text,          -- the chat as the gateway's send API takes it (number, chatId, wa_id)
    ADD COLUMN sent_at         timestamptz;   -- the gateway's own timestamp of an inbound message

-- A reply row (sql/job-done.sql, or any insert of an outbound row) inherits the gateway of the
-- message it answers: its job's inbound message, else the chat's latest inbound message.
CREATE FUNCTION messages_reply_gateway() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    origin record;
BEGIN
    SELECT m.gateway, m.gateway_account, m.reply_to INTO origin
      FROM ai_jobs j JOIN messages m ON m.id = j.message_id
     WHERE j.id = NEW.job_id;
    IF NOT FOUND THEN
        SELECT m.gateway, m.gateway_account, m.reply_to INTO origin
          FROM messages m
         WHERE m.instance = NEW.instance AND m.chat = NEW.chat AND m.direction = 'in'
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT 1;
    END IF;
    IF FOUND THEN
        NEW.gateway := origin.gateway;
        NEW.gateway_account := origin.gateway_account;
        NEW.reply_to := origin.reply_to;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER messages_reply_gateway BEFORE INSERT ON messages
    FOR EACH ROW WHEN (NEW.direction = 'out' AND NEW.gateway IS NULL)
    EXECUTE FUNCTION messages_reply_gateway();
