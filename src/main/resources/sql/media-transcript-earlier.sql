-- A voice note of the burst, transcribed by the job that answers the burst: its message's text and
-- its still pending job's (which that answer will end as answered_by_job), in one statement.
WITH job AS (
    UPDATE ai_jobs
       SET input_json = input_json || jsonb_build_object('text', CAST(:'transcript' AS text), 'transcribed', true)
     WHERE id = :job_id AND status = 'pending'
 RETURNING message_id
)
UPDATE messages
   SET body = CAST(:'transcript' AS text)
 WHERE id IN (SELECT message_id FROM job)
