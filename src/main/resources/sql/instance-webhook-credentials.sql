-- The instances that have a webhook credential of their own (intake/InstanceCredentials' short cache).
SELECT instance, webhook_token_sha256, webhook_hmac_secret
  FROM instance_settings
 WHERE webhook_token_sha256 IS NOT NULL OR webhook_hmac_secret IS NOT NULL
