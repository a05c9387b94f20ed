-- Messages of every chat, both directions: the inbound customer text and the AI's replies.
CREATE TABLE messages (
    id                 bigserial   PRIMARY KEY,
    instance           text        NOT NULL,               -- gateway instanceName (one WhatsApp number)
    chat               text        NOT NULL,               -- the customer's chat JID
    direction          text        NOT NULL CHECK (direction IN ('in', 'out')),
    gateway_message_id text,                               -- Info.ID for inbound; null for replies
    sender             text,
    push_name          text,
    body               text        NOT NULL,
    job_id             bigint,                             -- for replies: the job that wrote it
    created_at         timestamptz NOT NULL DEFAULT now()
);
-- the same gateway message posted twice is one message (NULLs, i.e. replies, never collide)
CREATE UNIQUE INDEX messages_gateway_message ON messages (instance, gateway_message_id);
-- the context stage reads the newest messages of one chat
CREATE INDEX messages_chat_recent ON messages (instance, chat, created_at DESC, id DESC);

-- One job per inbound message. Every state change is one UPDATE in routes/ or sql/.
CREATE TABLE ai_jobs (
    id               bigserial   PRIMARY KEY,
    message_id       bigint      NOT NULL REFERENCES messages (id),
    instance         text        NOT NULL,
    chat             text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'processing', 'done', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL DEFAULT 3,
    run_at           timestamptz NOT NULL DEFAULT now(),
    locked_by        text,
    locked_until     timestamptz,
    context_messages integer     NOT NULL DEFAULT 10,
    input_json       jsonb       NOT NULL,
    output_json      jsonb,
    error_class      text,
    error_msg        text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ai_jobs_message ON ai_jobs (message_id);
-- the claim: due pending jobs in order (a small partial index, it holds only the queue)
CREATE INDEX ai_jobs_due ON ai_jobs (run_at, id) WHERE status = 'pending';
-- lease rescue: processing jobs by lease end
CREATE INDEX ai_jobs_leases ON ai_jobs (locked_until) WHERE status = 'processing';
-- the monitoring queries: by status over a time window
CREATE INDEX ai_jobs_status_updated ON ai_jobs (status, updated_at);

CREATE FUNCTION ai_jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER ai_jobs_touch BEFORE UPDATE ON ai_jobs FOR EACH ROW EXECUTE FUNCTION ai_jobs_touch();

-- wake the worker: NOTIFY ai_jobs_channel with the new job's id (delivered at commit)
CREATE FUNCTION ai_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ai_jobs_channel', NEW.id::text);
    RETURN NEW;
END $$;
CREATE TRIGGER ai_jobs_notify AFTER INSERT ON ai_jobs FOR EACH ROW EXECUTE FUNCTION ai_jobs_notify();

-- Knowledge documents of an instance, ranked by full text against the customer's question.
-- 'simple' keeps every word of every language (customers write Indonesian and English alike).
CREATE TABLE documents (
    id         bigserial   PRIMARY KEY,
    instance   text        NOT NULL,
    title      text        NOT NULL,
    content    text        NOT NULL,
    search     tsvector    GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || content)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_search ON documents USING gin (search);
CREATE INDEX documents_instance_recent ON documents (instance, updated_at DESC);
