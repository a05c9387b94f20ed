-- The chat's messages before this job's message, newest N, returned oldest first.
SELECT direction, body
  FROM (SELECT id, direction, body, created_at
          FROM messages
         WHERE instance = :#${variable.job[instance]}
           AND chat = :#${variable.job[chat]}
           AND id < :#${variable.job[message_id]}
         ORDER BY created_at DESC, id DESC
         LIMIT :#${variable.job[context_messages]}) recent
 ORDER BY created_at, id
