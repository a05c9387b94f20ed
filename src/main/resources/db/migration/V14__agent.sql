-- An agent a desk can leave alone (docs/agent.md): replies in parts, hand-overs, keywords.
--
-- Replies in parts: a reply sent as several WhatsApp messages (Markdown turned into WhatsApp's
-- formatting, cut under the gateway's limit) keeps its parts here, written once by the claim that
-- first sends it (sql/deliver-split.sql) before the first POST, so every later claim (a retry, a
-- restart) sends the same parts. Each part is recorded sent once, by the claim holding the reply
-- (sql/deliver-part-sent.sql); the reply row is 'sent' with its last part. A reply sent as it was
-- written, in one message, has no rows here.
ALTER TABLE messages
    ADD COLUMN delivery_parts      integer,                      -- how many parts; NULL = not split
    ADD COLUMN delivery_parts_sent integer NOT NULL DEFAULT 0;   -- parts recorded sent, in order

CREATE TABLE reply_parts (
    message_id       bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    part             integer     NOT NULL CHECK (part >= 1),     -- 1, 2, ... in sending order
    body             text        NOT NULL,                       -- the text sent
    sent_at          timestamptz,                                -- NULL until the gateway took it
    gateway_reply_id text,                                       -- the gateway's id of the sent part
    PRIMARY KEY (message_id, part)
);
-- the echo of a part (a from-me message with its gateway id) is not a human agent
CREATE INDEX reply_parts_gateway_reply_id ON reply_parts (gateway_reply_id) WHERE gateway_reply_id IS NOT NULL;

-- The model hands a chat over to humans (docs/agent.md): the existing take-over, written by 'ai'
-- (sql/agent-hand-over.sql); the reason is in the job's output_json.handover.
ALTER TABLE chat_handoffs DROP CONSTRAINT chat_handoffs_changed_by_check;
ALTER TABLE chat_handoffs ADD CONSTRAINT chat_handoffs_changed_by_check CHECK (changed_by IN ('agent', 'operator', 'ai'));

-- Keywords per instance (agent/ChatKeywords): an instance's own agent settings (opt-out and start
-- words, their confirmations) as one JSON object; NULL = the defaults of ai-worker.agent.*.
ALTER TABLE instance_settings ADD COLUMN agent jsonb;

-- A contact's own switch of the AI (sql/agent-chat-switch.sql): opted out with an opt-out word until
-- their start word or an operator turns the AI on again; started with a start word (instances that
-- answer only after one). No row: never said either.
CREATE TABLE chat_switches (
    instance     text        NOT NULL,
    chat         text        NOT NULL,
    opted_out_at timestamptz,                 -- set: the AI is silent for this contact
    started_at   timestamptz,                 -- the contact's start word
    changed_by   text        NOT NULL CHECK (changed_by IN ('customer', 'operator')),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, chat)
);
