-- Claim documents waiting to be (re)indexed: new ones and ones whose title or content changed
-- (trigger documents_reindex). SKIP LOCKED: the nodes' indexing routes never take the same
-- document; each claim stamps a fresh fencing token and a lease, so a node that dies mid-way leaves
-- the document to the next claim once the lease ends.
UPDATE documents d
   SET index_lease_token = nextval('lease_tokens'),
       index_locked_until = now() + interval '60 seconds'
 WHERE d.id IN (SELECT id
                  FROM documents
                 WHERE index_status = 'pending'
                   AND (index_locked_until IS NULL OR index_locked_until < now())
                 ORDER BY id
                 LIMIT CAST(:indexBatch AS integer)
                   FOR UPDATE SKIP LOCKED)
RETURNING d.id, d.instance, d.title, d.content, d.index_lease_token
