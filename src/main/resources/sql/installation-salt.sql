-- The installation's own salt of the per-customer id sent to OpenRouter (Flyway V5).
SELECT user_hash_salt FROM installation
