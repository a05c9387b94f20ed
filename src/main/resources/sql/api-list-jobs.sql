-- Newest jobs first, optionally of one status, as one JSON array.
SELECT COALESCE(jsonb_agg(x ORDER BY x.id DESC), '[]'::jsonb)::text AS json
  FROM (SELECT id, status, instance, chat, attempts, max_attempts, run_at, error_class, error_msg,
               output_json ->> 'skipped' AS skipped, CAST(output_json ->> 'answered_by_job' AS bigint) AS answered_by_job,
               created_at, updated_at
          FROM ai_jobs
         WHERE (CAST(:'status' AS text) IS NULL OR status = :'status')
         ORDER BY id DESC
         LIMIT :limit) x
