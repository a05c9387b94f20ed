-- An edit or a delete (for everyone) of a message stored before, in one statement: an edit replaces
-- the stored text (the next prompt's history reads it, and a job still pending for that message
-- answers the edited text), a delete marks the message revoked so it leaves the next prompt. Neither
-- starts a job. Returns how many messages changed (0: the message was never stored, e.g. a group's).
WITH changed AS (
    UPDATE messages
       SET body       = CASE WHEN CAST(:'change' AS text) = 'edit' THEN coalesce(CAST(:'text' AS text), body) ELSE body END,
           edited_at  = CASE WHEN CAST(:'change' AS text) = 'edit' THEN now() ELSE edited_at END,
           revoked_at = CASE WHEN CAST(:'change' AS text) = 'revoke' THEN now() ELSE revoked_at END
     WHERE instance = :'instance' AND gateway_message_id = :'target'
 RETURNING id
), pending AS (
    UPDATE ai_jobs j
       SET input_json = jsonb_set(j.input_json, '{text}', to_jsonb(CAST(:'text' AS text)))
     WHERE j.message_id IN (SELECT id FROM changed) AND j.status = 'pending'
       AND CAST(:'change' AS text) = 'edit' AND CAST(:'text' AS text) IS NOT NULL
 RETURNING j.id
)
SELECT (SELECT count(*) FROM changed) AS changed
