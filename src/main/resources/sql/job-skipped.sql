-- A job that ends without a call because its instance says so (e.g. disabled): done, with the
-- reason in output_json (skipped, message) and no reply. Done, not failed: nothing went wrong, so
-- the failed-jobs alert stays quiet; it carries no latency, tokens or cost, so the averages and sums
-- over done jobs are unchanged. Only the claim holding the job may end it (its lease token).
UPDATE ai_jobs
   SET status = 'done',
       output_json = jsonb_build_object('skipped', CAST(:'errorClass' AS text),
                                        'message', CAST(:'errorMsg' AS text)),
       error_class = NULL, error_msg = NULL, locked_by = NULL, locked_until = NULL, lease_token = NULL
 WHERE id = :id AND status = 'processing' AND lease_token = :lease_token
