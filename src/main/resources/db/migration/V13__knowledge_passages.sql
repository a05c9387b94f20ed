-- Knowledge that answers: documents are split into passages (routes/15-knowledge-index.camel.yaml),
-- each ranked on its own by word search (BM25 over knowledge_terms) and meaning search
-- (embeddings), and the best passages go into the prompt. See docs/knowledge.md.

-- A document's indexing state. A new document, and one whose title or content changes, is
-- 'pending': the indexing route claims it (SKIP LOCKED, a lease and a fencing token of its own, on
-- its own timer: never on a job's thread) and replaces its passages in one statement.
ALTER TABLE documents
    ADD COLUMN index_status       text        NOT NULL DEFAULT 'pending' CHECK (index_status IN ('pending', 'indexed')),
    ADD COLUMN index_lease_token  bigint,
    ADD COLUMN index_locked_until timestamptz,
    ADD COLUMN indexed_at         timestamptz;
-- the indexing claim reads the queue only
CREATE INDEX documents_index_pending ON documents (id) WHERE index_status = 'pending';

CREATE FUNCTION documents_reindex() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.title IS DISTINCT FROM OLD.title OR NEW.content IS DISTINCT FROM OLD.content
       OR NEW.instance IS DISTINCT FROM OLD.instance THEN
        -- the claim that read the old text can no longer store its passages (its token is gone)
        NEW.index_status := 'pending';
        NEW.index_lease_token := NULL;
        NEW.index_locked_until := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER documents_reindex BEFORE UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION documents_reindex();

-- The words of a text as search terms: PostgreSQL's 'simple' parser splits and lowercases; every
-- word goes through the Indonesian stemmer, then the English one ("laundrynya" -> laundri, "refunds"
-- -> refund, "dibatalkan" -> batal); English stop words drop out; the words in fillers (chat fillers:
-- kak, dong, sih ...) are dropped before stemming. Three additions for Indonesian the stemmer misses:
-- meng-/peng-/mem-/pem-/men-/pen- before a vowel also give the recoded root ("pengiriman" -> irim
-- and kirim), and the colloquial suffix -in gives the word without it ("dibatalin" -> batalin and
-- batal), and a word ending in -an also gives its stem without it ("pesanan" -> sanan and pesan).
-- A word occurring n times gives its terms n times (term frequency for BM25).
CREATE FUNCTION knowledge_stem(word text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT (ts_lexize('english_stem', coalesce((ts_lexize('indonesian_stem', word))[1], word)))[1]
$$;

CREATE FUNCTION knowledge_terms(body text, fillers text[] DEFAULT '{}') RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT coalesce(array_agg(v.term), '{}')
  FROM unnest(to_tsvector('simple', body)) w
 CROSS JOIN LATERAL (SELECT knowledge_stem(w.lexeme) AS stem) s
 CROSS JOIN LATERAL (SELECT DISTINCT t.term
                       FROM unnest(ARRAY[
                              s.stem,
                              CASE WHEN s.stem !~ '^[aeiou]' THEN NULL
                                   WHEN w.lexeme ~ '^(meng|peng)' THEN 'k' || s.stem
                                   WHEN w.lexeme ~ '^(mem|pem)' THEN 'p' || s.stem
                                   WHEN w.lexeme ~ '^(men|pen)' THEN 't' || s.stem END,
                              CASE WHEN length(s.stem) > 5 AND s.stem ~ '[^aeiou]in$' THEN left(s.stem, -2) END,
                              CASE WHEN s.stem IS NOT NULL AND length(w.lexeme) > 6 AND w.lexeme ~ 'an$'
                                   THEN knowledge_stem(left(w.lexeme, -2)) END]) t(term)
                      WHERE t.term IS NOT NULL) v
 CROSS JOIN LATERAL generate_series(1, coalesce(array_length(w.positions, 1), 1)) n
 WHERE NOT (w.lexeme = ANY (fillers))
$$;

-- A document's passages: a few hundred to ~800 characters cut on paragraph and sentence boundaries,
-- overlapping by a sentence, in document order (ordinal). terms: knowledge_terms(title + text), read
-- by the worker's BM25. embedding: the vector of title + text from ai-worker.knowledge.embedding-model
-- as real[], so pgvector can take over with one statement (docs/knowledge.md):
--   ALTER TABLE knowledge_passages ALTER COLUMN embedding TYPE vector(1536) USING embedding::vector;
-- A passage without a vector of the current model is in the embedding queue (embed_run_at; a failed
-- batch waits and is tried again).
CREATE SEQUENCE knowledge_embedded_seq AS bigint;
CREATE TABLE knowledge_passages (
    id                 bigserial   PRIMARY KEY,
    document_id        bigint      NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    instance           text        NOT NULL,
    ordinal            integer     NOT NULL,
    title              text        NOT NULL,
    text               text        NOT NULL,
    terms              text[]      NOT NULL,
    embedding          real[],
    embedding_model    text,
    embedded_seq       bigint,      -- knowledge_embedded_seq when the vector was stored: workers load newer ones only
    embed_run_at       timestamptz NOT NULL DEFAULT now(),
    embed_attempts     integer     NOT NULL DEFAULT 0,
    embed_error        text,
    embed_lease_token  bigint,
    embed_locked_until timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);
-- a document's passages are replaced (and deleted with it) as a whole
CREATE INDEX knowledge_passages_document ON knowledge_passages (document_id, ordinal);
-- the worker loads an instance's passages
CREATE INDEX knowledge_passages_instance ON knowledge_passages (instance, id);
-- the embedding queue: passages without a vector
CREATE INDEX knowledge_passages_unembedded ON knowledge_passages (embed_run_at, id) WHERE embedding IS NULL;

-- An instance's knowledge version: raised by every change of its passages (passages written or
-- deleted: these triggers; vectors stored: sql/knowledge-embedded.sql). The context statement reads it; a worker whose cached passages are older
-- loads them again.
CREATE TABLE knowledge_versions (
    instance text   PRIMARY KEY,
    version  bigint NOT NULL
);

CREATE FUNCTION knowledge_passages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO knowledge_versions AS k (instance, version)
    SELECT DISTINCT instance, 1 FROM changed
    ON CONFLICT (instance) DO UPDATE SET version = k.version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER knowledge_passages_inserted AFTER INSERT ON knowledge_passages
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION knowledge_passages_changed();
CREATE TRIGGER knowledge_passages_deleted AFTER DELETE ON knowledge_passages
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION knowledge_passages_changed();
