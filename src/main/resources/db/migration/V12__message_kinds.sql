-- Messages beyond text: what kind each inbound message is, and the edits and deletes that change it
-- after it was stored.
ALTER TABLE messages
    ADD COLUMN kind       text,          -- null or text; tap, audio (body = its transcript), image, document,
                                         -- video, sticker, location, contact, other
    ADD COLUMN edited_at  timestamptz,   -- the customer edited it: body is the edited text
    ADD COLUMN revoked_at timestamptz;   -- deleted for everyone: left out of the prompt's history
