package io.tributary.catalog;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM by {@link DurabilityTest}: writes revisions to {@code dev} of the embedded
 * catalog in {@code args[0]} as fast as it can and prints {@code ACK <revision>} after each write
 * returns, until it is killed.
 */
public final class DurabilityWriter {

  private DurabilityWriter() {}

  public static void main(String[] args) {
    CatalogSettings settings = new CatalogSettings(null, null, null, Path.of(args[0]), args[1], Clock.systemUTC());
    Catalog catalog = Catalog.open(settings);
    long base = catalog.pipelines().heads().get("dev");
    for (long i = 0; ; i++) {
      PipelineRevision r =
          catalog.pipelines()
              .write("dev", base, List.of(new StageRecord("c", "correlation", null, true, Map.of("n", i), "skip")),
                  "writer", "write " + i);
      base = r.revision();
      System.out.println("ACK " + r.revision());
      System.out.flush();
    }
  }
}
