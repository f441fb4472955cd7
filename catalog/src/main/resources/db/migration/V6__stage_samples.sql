-- Timings history: every node writes, every 10 s, one row per stage of its environment with what
-- that stage did on that node in those 10 s. The Timings page reads the last hours from here, so
-- a reload or a restart keeps them, and the figures of several nodes can be combined or shown per
-- node. The nodes that write also delete rows older than the retention.
CREATE TABLE stage_samples (
  node_id VARCHAR(64) NOT NULL,
  env VARCHAR(32) NOT NULL,
  stage VARCHAR(1000) NOT NULL,
  processor VARCHAR(300) NOT NULL,
  at TIMESTAMP WITH TIME ZONE NOT NULL,
  items BIGINT NOT NULL,
  modified BIGINT NOT NULL,
  failed BIGINT NOT NULL,
  skipped BIGINT NOT NULL,
  dead_lettered BIGINT NOT NULL,
  batches BIGINT NOT NULL,
  total_nanos BIGINT NOT NULL,
  PRIMARY KEY (env, at, node_id, stage)
);
