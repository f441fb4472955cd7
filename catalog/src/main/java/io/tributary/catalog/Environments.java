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
}
