-- Conversations, not single messages (routes/03-claim, 04-run-job, 07-outcome; README "How a job runs").

-- Who wrote a message: the customer (inbound), the AI (a job's reply) or a human agent of the business
-- writing from the business phone (a from-me message that is not the echo of an AI reply). Agent rows
-- are outbound history, never delivered (the agent's phone sent them): delivery_status stays NULL.
ALTER TABLE messages ADD COLUMN author text CHECK (author IN ('customer', 'ai', 'agent'));
UPDATE messages SET author = CASE WHEN direction = 'in' THEN 'customer' ELSE 'ai' END;
-- the echo check: an AI reply by the gateway id its send returned
CREATE INDEX messages_gateway_reply ON messages (instance, gateway_reply_id) WHERE gateway_reply_id IS NOT NULL;

-- The quiet period a job waits for (ai-worker.conversation.quiet-ms when it was queued; run_at is its
-- message's arrival plus this). 0 = the job is answered on its own, as the reference card describes;
-- above 0 only the chat's newest pending job is claimed, once no job of the chat is processing, and its
-- answer ends the chat's older pending jobs (done, output_json.answered_by_job).
ALTER TABLE ai_jobs ADD COLUMN quiet_ms integer NOT NULL DEFAULT 0 CHECK (quiet_ms >= 0);
-- the claim's per-chat checks and the absorbing completion: the open jobs of one chat
CREATE INDEX ai_jobs_chat_open ON ai_jobs (instance, chat, id) WHERE status IN ('pending', 'processing');

-- A chat handed to humans: the AI stays out of it until human_until (a human agent's last message plus
-- ai-worker.conversation.handoff-minutes, or an operator's take-over). NULL or past: the AI answers.
CREATE TABLE chat_handoffs (
    instance    text        NOT NULL,
    chat        text        NOT NULL,
    human_until timestamptz,
    changed_by  text        NOT NULL CHECK (changed_by IN ('agent', 'operator')),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, chat)
);
