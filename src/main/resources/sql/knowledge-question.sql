-- A question's search terms and the instance's knowledge version, as sql/context.sql reads them for
-- a job: for the admin API's retrieval preview.
SELECT (SELECT version FROM knowledge_versions WHERE instance = :'instance') AS knowledge_version,
       to_json(knowledge_terms(:'question', regexp_split_to_array(lower(trim(:'fillerWords')), '\s+')))::text AS question_terms
