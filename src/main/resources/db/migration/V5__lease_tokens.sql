-- Fencing tokens: every claim of a job (sql/claim-jobs.sql) or of a reply (sql/deliver-claim.sql)
-- stamps a fresh value of this sequence with its lease, and every later write of that run (outcome,
-- hand-back, rescue, sent / retry / failed / postpone) matches on it. A sequence value is never
-- handed out twice, so a run whose lease was taken over can write nothing, whatever its node id or
-- attempt counter (attempts go down on a shrink, a postponement or a hand-back: they are no fence).
CREATE SEQUENCE lease_tokens AS bigint;

ALTER TABLE ai_jobs ADD COLUMN lease_token bigint;           -- the claim holding the job; NULL when none
ALTER TABLE messages ADD COLUMN delivery_lease_token bigint; -- the claim holding the reply; NULL when none

-- At most one AI reply per job. Replies a job got twice before this guarantee existed keep their
-- text, but only the first stays tied to the job.
UPDATE messages m
   SET job_id = NULL
 WHERE m.direction = 'out' AND m.job_id IS NOT NULL
   AND m.id > (SELECT min(d.id) FROM messages d WHERE d.direction = 'out' AND d.job_id = m.job_id);
CREATE UNIQUE INDEX messages_one_reply_per_job ON messages (job_id) WHERE direction = 'out';

-- One secret per installation, made here once: the salt of the per-customer id sent to OpenRouter as
-- the request's "user" (a hash of instance and chat, never the phone number) when
-- ai-worker.openrouter.user-salt is not set. It stays in the database, stable across restarts and
-- nodes, and OpenRouter never sees it.
CREATE TABLE installation (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),  -- one row only
    user_hash_salt text    NOT NULL
);
INSERT INTO installation (user_hash_salt)
VALUES (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
