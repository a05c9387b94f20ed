-- Opening hours per instance (docs/agent.md, "Opening hours"): in after-hours mode 'message' a chat
-- gets one after-hours message per closed period. The row is claimed in the same statement that ends
-- the job and stores that message as its reply (sql/agent-after-hours-message.sql): a second job of
-- the chat in the same closed period, on any node, or a retry of the same job, finds the row and stays
-- silent. closed_since is the end of the last opening before the period (the same for every instant
-- of it), so the next closed period has a new row.
CREATE TABLE after_hours_notices (
    instance     text        NOT NULL,
    chat         text        NOT NULL,
    closed_since timestamptz NOT NULL,                -- the closed period's start
    job_id       bigint      NOT NULL,                -- the job whose reply is the message
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, chat, closed_since)
);
