-- One row per successful reading of the OpenRouter balance (routes/08-credits.camel.yaml).
-- Failed checks write nothing. The rows give the daily rate when the API has no daily figure,
-- and the previous level, so an alert goes out once per level change, across restarts too.
CREATE TABLE credit_snapshots (
    id           bigserial     PRIMARY KEY,
    taken_at     timestamptz   NOT NULL DEFAULT now(),
    source       text          NOT NULL CHECK (source IN ('credits', 'key')),  -- the endpoint that answered
    total        numeric(16,6),            -- credits bought (/credits) or the key's limit (/key); null = no limit
    balance      numeric(16,6),            -- what is left; null = no limit
    total_usage  numeric(16,6),            -- spent so far (account for /credits, key for /key)
    usage_today  numeric(16,6),            -- null = not known yet
    rate_per_day numeric(16,6),            -- null = not known yet
    level        text          NOT NULL CHECK (level IN ('OK', 'HIGH_USAGE', 'WARNING', 'CRITICAL'))
);
CREATE INDEX credit_snapshots_recent ON credit_snapshots (taken_at DESC, id DESC);
