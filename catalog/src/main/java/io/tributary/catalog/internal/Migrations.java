package io.tributary.catalog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Runs the Flyway migrations. The migration files are listed here and read with this module's own
 * class, not found by scanning the class path: scanning does not see resources inside a named
 * module, and listing them keeps the order explicit. Add each new {@code V<n>__*.sql} to {@link
 * #FILES}.
 */
public final class Migrations {

  static final String LOCATION = "db/migration";
  static final List<String> FILES = List.of("V1__catalog.sql", "V2__environment_fail_open.sql",
      "V3__principal_identity.sql", "V4__audit_head_and_revision_seals.sql", "V5__nodes.sql",
      "V6__stage_samples.sql");

  private Migrations() {}

  public static void migrate(DataSource dataSource) {
    Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .resourceProvider(new Files())
        .javaMigrationClassProvider(new NoJavaMigrations())
        .failOnMissingLocations(false)
        .load()
        .migrate();
  }

  private static final class Files implements ResourceProvider {
    @Override
    public LoadableResource getResource(String name) {
      for (LoadableResource r : all()) {
        if (r.getFilename().equals(name) || r.getRelativePath().equals(name)) {
          return r;
        }
      }
      return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
      List<LoadableResource> out = new ArrayList<>();
      for (LoadableResource r : all()) {
        String name = r.getFilename();
        if (!name.startsWith(prefix)) {
          continue;
        }
        for (String suffix : suffixes) {
          if (name.endsWith(suffix)) {
            out.add(r);
            break;
          }
        }
      }
      return out;
    }

    private static List<LoadableResource> all() {
      List<LoadableResource> out = new ArrayList<>();
      for (String file : FILES) {
        out.add(new Sql(file, load(LOCATION + "/" + file)));
      }
      return out;
    }

    private static String load(String path) {
      try (InputStream in = Migrations.class.getResourceAsStream("/" + path)) {
        if (in == null) {
          throw new IllegalStateException("migration " + path + " is missing from the catalog jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read migration " + path, e);
      }
    }
  }

  private static final class Sql extends LoadableResource {
    private final String file;
    private final String text;

    Sql(String file, String text) {
      this.file = file;
      this.text = text;
    }

    @Override
    public Reader read() {
      return new StringReader(text);
    }

    @Override
    public String getAbsolutePath() {
      return LOCATION + "/" + file;
    }

    @Override
    public String getAbsolutePathOnDisk() {
      return null;
    }

    @Override
    public String getFilename() {
      return file;
    }

    @Override
    public String getRelativePath() {
      return file;
    }
  }

  private static final class NoJavaMigrations implements ClassProvider<JavaMigration> {
    @Override
    public Collection<Class<? extends JavaMigration>> getClasses() {
      return List.of();
    }
  }
}
