-- 0001: the first schema. Forward-only: never edit this file once released; add 0002_….sql.
-- min_code_version: 0
--
-- No foreign keys from the hot tables (payments, refunds, idempotency_keys) to merchants: a
-- foreign-key check takes a KEY SHARE lock on the one merchant row for every insert, and many
-- concurrent inserts for one merchant would contend on it. Merchant ids come from the
-- authenticated API key, never from input.

CREATE TABLE merchants (
  id          text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored only as sha256 digests (keys are long random strings, so a fast hash is
-- enough); the plaintext lives only in the service's environment.
CREATE TABLE api_keys (
  key_hash     bytea       PRIMARY KEY CHECK (octet_length(key_hash) = 32),
  merchant_id  text        NOT NULL REFERENCES merchants (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

-- Per-installation secrets. fingerprint_key keys the HMACs of card numbers (card_fingerprint) and
-- of idempotent request parameters, so neither can be brute-forced from a database copy alone
-- (a card number has little entropy). 32 random bytes from gen_random_uuid (PostgreSQL 13+).
CREATE TABLE service_secrets (
  name        text        PRIMARY KEY,
  value       bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO service_secrets (name, value)
VALUES ('fingerprint_key', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

CREATE TABLE payments (
  seq               bigint      GENERATED ALWAYS AS IDENTITY,
  id                text        PRIMARY KEY,
  merchant_id       text        NOT NULL,
  amount            integer     NOT NULL CHECK (amount BETWEEN 1 AND 99999999),
  amount_captured   integer     NOT NULL DEFAULT 0,
  amount_refunded   integer     NOT NULL DEFAULT 0,
  currency          text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  status            text        NOT NULL CHECK (status IN ('requires_capture', 'succeeded', 'canceled', 'failed')),
  capture_method    text        NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
  card_brand        text        NOT NULL,
  card_last4        text        NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_exp_month    smallint    NOT NULL CHECK (card_exp_month BETWEEN 1 AND 12),
  card_exp_year     smallint    NOT NULL,
  card_fingerprint  text        NOT NULL,
  description       text,
  metadata          jsonb       NOT NULL DEFAULT '{}',
  failure_code      text,
  failure_message   text,
  created_at        timestamptz NOT NULL,
  -- The last line of defence against over-capture and over-refund, whatever the code does.
  CONSTRAINT payments_captured_within_amount CHECK (amount_captured BETWEEN 0 AND amount),
  CONSTRAINT payments_refunded_within_captured CHECK (amount_refunded BETWEEN 0 AND amount_captured)
);
-- Lists are per merchant, newest first (seq is the insertion order).
CREATE INDEX payments_merchant_seq ON payments (merchant_id, seq DESC);

CREATE TABLE refunds (
  seq          bigint      GENERATED ALWAYS AS IDENTITY,
  id           text        PRIMARY KEY,
  payment_id   text        NOT NULL REFERENCES payments (id),
  merchant_id  text        NOT NULL,
  amount       integer     NOT NULL CHECK (amount > 0),
  currency     text        NOT NULL,
  status       text        NOT NULL CHECK (status = 'succeeded'),
  reason       text        CHECK (reason IN ('duplicate', 'fraudulent', 'requested_by_customer')),
  created_at   timestamptz NOT NULL
);
CREATE INDEX refunds_payment_seq ON refunds (payment_id, seq DESC);

-- Stripe-style idempotency keys (see docs/idempotency.md). A row is written only in the same
-- transaction as the request's effects, together with the exact response bytes, so a row always
-- means "finished"; a request in flight is marked by an advisory lock on the key instead.
CREATE TABLE idempotency_keys (
  merchant_id          text        NOT NULL,
  idempotency_key      text        NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  request_method       text        NOT NULL,
  request_path         text        NOT NULL,
  request_fingerprint  text        NOT NULL,
  response_code        integer     NOT NULL,
  response_body        text        NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_merchant_key PRIMARY KEY (merchant_id, idempotency_key)
);
-- The expiry sweep finds old rows by created_at. Rows arrive in created_at order, so a BRIN index
-- (a few pages, almost free to maintain on insert) does the job of a B-tree on the hot path.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys USING brin (created_at);
