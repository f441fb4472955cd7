package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Principal;
import java.util.Optional;

/** Finds the principal behind a request (bearer token, later a session cookie). */
@FunctionalInterface
public interface Authenticator {

  /**
   * The principal the request authenticates as; empty if it carries no credentials.
   *
   * @throws io.javalin.http.UnauthorizedResponse if it carries invalid credentials
   */
  Optional<Principal> authenticate(Context ctx);

  /** Authenticates nobody: every protected route answers 401. */
  static Authenticator denyAll() {
    return ctx -> Optional.empty();
  }
}
