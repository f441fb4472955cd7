package io.tributary.catalog;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The nodes sharing this catalog. Each node reports itself every few seconds and withdraws when
 * it stops; a node that stops reporting (killed, partitioned) drops out of {@link #list} once its
 * last report is older than the window asked for.
 */
public interface Nodes {

  /**
   * One node as it last reported itself.
   *
   * @param listeners the node's listeners as JSON (name, address, port, tls), as its health shows them
   */
  record Node(String id, String env, String version, String host, String listeners, Instant startedAt,
      Instant lastSeen) {}

  /** Records that node {@code node.id()} is alive now (its {@code lastSeen} is the catalog's clock). */
  void report(Node node);

  /** Removes a stopping node. */
  void withdraw(String id);

  /** The nodes that reported within {@code window}, by environment, then start time. */
  List<Node> list(Duration window);
}
