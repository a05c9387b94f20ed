-- The voice notes of this job's burst not yet transcribed: the chat's older pending jobs that this
-- job's answer covers (sql/job-done.sql ends them as answered_by_job), whose message is a voice note
-- without text. Read only when the prompt's history holds a voice note not yet read.
SELECT a.id AS job_id, a.message_id, a.instance, a.input_json::text AS input_json
  FROM ai_jobs a
 WHERE a.instance = :'instance'
   AND a.chat = :'chat'
   AND a.id < :id
   AND a.status = 'pending' AND a.quiet_ms > 0
   AND a.input_json ->> 'kind' = 'audio'
   AND a.input_json ->> 'no_text' IS NOT NULL
   AND a.input_json ->> 'transcribed' IS NULL
 ORDER BY a.id
