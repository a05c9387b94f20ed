-- DELETE /api/instances/{instance}: back to the defaults of application.yaml.
DELETE FROM instance_settings WHERE instance = :'instance' RETURNING instance
