-- The nodes sharing this catalog: each writes its row every few seconds (its environment,
-- version, listeners) and deletes it when it stops, so any node can list the others.
CREATE TABLE nodes (
  id VARCHAR(64) PRIMARY KEY,
  env VARCHAR(32) NOT NULL,
  version VARCHAR(64) NOT NULL,
  host VARCHAR(255) NOT NULL,
  listeners VARCHAR(4000) NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen TIMESTAMP WITH TIME ZONE NOT NULL
);
