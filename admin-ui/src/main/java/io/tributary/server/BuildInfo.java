package io.tributary.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this build, written into a resource by Maven at build time. */
public record BuildInfo(String version) {

  private static final String RESOURCE = "build-info.properties";

  /** Reads the build facts packaged with this module. */
  public static BuildInfo load() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return new BuildInfo("unknown");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
    String version = properties.getProperty("version", "unknown");
    // An unfiltered resource (e.g. run straight from an IDE) still has the placeholder.
    return new BuildInfo(version.startsWith("${") ? "unknown" : version);
  }
}
