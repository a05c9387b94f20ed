-- The end of the claimed job's chat handoff while a human agent has it, else no row.
SELECT trim(both '"' from to_jsonb(human_until)::text) AS human_until
  FROM chat_handoffs
 WHERE instance = :#${variable.job[instance]} AND chat = :#${variable.job[chat]} AND human_until > now()
