-- Webhook credentials per instance (business number): a post authenticated by one of them is
-- taken for that instance only (intake/InstanceCredentials, docs/security.md). Both are write-only
-- in the admin API, which answers only whether each is set.
ALTER TABLE instance_settings
    -- SHA-256 (hex) of the token the instance's gateway sends in X-Webhook-Token: the token itself
    -- is never stored
    ADD COLUMN webhook_token_sha256 text CHECK (webhook_token_sha256 ~ '^[0-9a-f]{64}$'),
    -- key of the HMAC-SHA256 of the raw body (X-Hub-Signature-256: sha256=<hex>, or wuzapi's
    -- x-hmac-signature): kept as given, an HMAC cannot be checked against a hash of its key
    ADD COLUMN webhook_hmac_secret text;

-- the intake's cache reads only the instances that have a credential
CREATE INDEX instance_settings_webhook_credentials ON instance_settings (instance)
    WHERE webhook_token_sha256 IS NOT NULL OR webhook_hmac_secret IS NOT NULL;
