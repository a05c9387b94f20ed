-- A voice note's transcript becomes its message's text (the history of the next prompts, the admin
-- API) and its job's (a retry of the job reads it instead of transcribing again, and keeps the
-- transcription's cost), in one statement. Only the claim holding the job writes (its lease token).
WITH job AS (
    UPDATE ai_jobs
       SET input_json = input_json || jsonb_build_object('text', CAST(:'transcript' AS text),
                                                         'transcribed', true,
                                                         'transcription_cost', CAST(:'cost' AS numeric))
     WHERE id = :id AND lease_token = :lease_token
 RETURNING message_id
)
UPDATE messages
   SET body = CAST(:'transcript' AS text)
 WHERE id IN (SELECT message_id FROM job)
