-- The prompt's context in one round trip:
-- history: the chat's messages before this job's message, newest N, oldest first ({direction, body,
--          kind}), without those the customer deleted for everyone, as a JSON array;
-- knowledge_version: the instance's knowledge version (null: no passages), which tells the worker
--          whether its in-memory passages of the instance are current (knowledge/KnowledgeSearch);
-- question_terms: the customer's words as search terms (knowledge_terms: Indonesian and English
--          stems, chat filler words left out), as a JSON array; null for an instance without
--          knowledge (no version), which then has nothing to search: the stemming is not done.
SELECT (SELECT coalesce(json_agg(json_build_object('direction', direction, 'body', body, 'kind', kind) ORDER BY created_at, id), '[]')
          FROM (SELECT id, direction, body, kind, created_at
                  FROM messages
                 WHERE instance = :'instance'
                   AND chat = :'chat'
                   AND id < :message_id
                   AND revoked_at IS NULL
                 ORDER BY created_at DESC, id DESC
                 LIMIT :context_messages) recent)::text AS history,
       (SELECT version FROM knowledge_versions WHERE instance = :'instance') AS knowledge_version,
       (SELECT to_json(knowledge_terms(:'question', regexp_split_to_array(lower(trim(:'fillerWords')), '\s+')))::text
          FROM knowledge_versions WHERE instance = :'instance') AS question_terms
