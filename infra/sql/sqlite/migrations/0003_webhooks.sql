-- Webhooks (issue #15 item 6): subscriptions and the durable outbox, one row per (subscription, event).
-- Schema migration 3, applied once per database at start (docs/DATABASE.md).
-- Times are Unix milliseconds; events is a JSON list of event types.

CREATE TABLE IF NOT EXISTS WebhookSubscriptions
(
    id TEXT NOT NULL PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    description TEXT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- state: pending (to send at next_attempt_at), delivered, failed (attempts used up).
-- lease_owner/lease_until: the node sending it now; a lease that ran out (node died mid-send) is taken over.
-- UNIQUE (subscription_id, event_id): an event published twice (a pending recording indexed late) is queued once.
CREATE TABLE IF NOT EXISTS WebhookDeliveries
(
    delivery_id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner TEXT NULL,
    lease_until INTEGER NULL,
    last_status INTEGER NULL,
    last_error TEXT NULL,
    last_attempt_at INTEGER NULL,
    sent_by TEXT NULL,
    UNIQUE (subscription_id, event_id)
);

CREATE INDEX IF NOT EXISTS IX_WebhookDeliveries_due ON WebhookDeliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS IX_WebhookDeliveries_subscription ON WebhookDeliveries (subscription_id, delivery_id);
