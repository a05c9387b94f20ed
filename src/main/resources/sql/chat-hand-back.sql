-- An operator hands a chat back to the AI at once (admin API, worker MBean): its next job is answered.
UPDATE chat_handoffs
   SET human_until = NULL, changed_by = 'operator', updated_at = now()
 WHERE instance = :'instance' AND chat = :'chat'
RETURNING instance
