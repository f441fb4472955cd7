package io.tributary.catalog;

import java.util.List;
import java.util.Optional;

/** The environments; {@code dev}, {@code staging} and {@code prod} (protected) exist from the first start. */
public interface Environments {

  List<Environment> list();

  Optional<Environment> get(String name);

  /**
   * Creates an environment with an empty pipeline at revision 1, audited.
   *
   * @throws CatalogException CONFLICT if it exists, INVALID if the name is not {@code [a-z][a-z0-9-]{0,31}}
   */
  Environment create(String name, boolean protectedEnv, String actor);

  /**
   * Sets whether nodes pass this environment's telemetry through untouched while its pipeline does
   * not compile on them ({@code failOpen}), or refuse it (the default), audited as {@code
   * environment.fail_open} with the before and after values.
   *
   * @throws CatalogException NOT_FOUND if there is no such environment, FORBIDDEN to turn it on
   *     for a protected environment
   */
  Environment setFailOpen(String name, boolean failOpen, String actor, String reason);
}
