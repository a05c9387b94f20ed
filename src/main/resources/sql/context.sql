-- The prompt's context in one round trip, as two JSON arrays:
-- history: the chat's messages before this job's message, newest N, oldest first ({direction, body,
-- kind}), without those the customer deleted for everyone;
-- documents: the instance's most relevant knowledge documents ({title, content}): full-text rank
-- against the customer's words (any word may match, hence the OR query), newest first on equal rank.
SELECT (SELECT coalesce(json_agg(json_build_object('direction', direction, 'body', body, 'kind', kind) ORDER BY created_at, id), '[]')
          FROM (SELECT id, direction, body, kind, created_at
                  FROM messages
                 WHERE instance = :#${variable.job[instance]}
                   AND chat = :#${variable.job[chat]}
                   AND id < :#${variable.job[message_id]}
                   AND revoked_at IS NULL
                 ORDER BY created_at DESC, id DESC
                 LIMIT :#${variable.job[context_messages]}) recent)::text AS history,
       (SELECT coalesce(json_agg(json_build_object('title', title, 'content', content) ORDER BY rank DESC, updated_at DESC, id DESC), '[]')
          FROM (SELECT id, title, content, updated_at,
                       ts_rank(search, replace(plainto_tsquery('simple', :#${variable.question})::text, ' & ', ' | ')::tsquery) AS rank
                  FROM documents
                 WHERE instance = :#${variable.job[instance]}
                 ORDER BY rank DESC, updated_at DESC, id DESC
                 LIMIT CAST(:#${properties:ai-worker.context.documents:5} AS integer)) ranked)::text AS documents
