-- The number's health (docs/delivery.md, "The number's health"): WhatsApp answered a reply of an
-- instance with a sign that the business number is restricted or rate-limited (Meta's 131048 spam
-- rate limit, an unofficial gateway's rate-overlimit ...). Delivery for that instance only is paused
-- until paused_until: the reply claim (sql/deliver-claim.sql) skips its replies, every node alike,
-- and they stay pending, in order, until the cool-down ends or an operator resumes the instance
-- (DELETE /api/delivery-pauses/{instance}). One row per instance that was ever paused; a row whose
-- paused_until has passed is a pause that ended.
CREATE TABLE instance_delivery_pauses (
    instance     text        PRIMARY KEY,
    paused_at    timestamptz NOT NULL,            -- when this pause began (a new one after the last ended)
    paused_until timestamptz NOT NULL,            -- delivery of the instance's replies waits until then
    reason       text        NOT NULL,            -- spam_rate_limit, account_locked, policy_block, rate_overlimit
    error        text,                            -- the gateway's answer, shortened, digit runs masked
    resumed_by   text        CHECK (resumed_by IN ('operator')),  -- set when an operator ended the pause early
    updated_at   timestamptz NOT NULL DEFAULT now()
);
