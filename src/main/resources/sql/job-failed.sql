-- A permanent failure, or retries spent: the job ends here with its reason.
UPDATE ai_jobs
   SET status = 'failed', error_class = :#${variable.errorClass}, error_msg = :#${variable.errorMsg},
       locked_by = NULL, locked_until = NULL
 WHERE id = :#${variable.job[id]} AND status = 'processing' AND locked_by = :#${bean:workerNode.getId}
