package io.tributary.server.http;

import io.javalin.config.RoutesConfig;

/** One REST resource: registers its routes. One implementation per resource. */
public interface Controller {

  /** Adds this resource's routes. Called once, while the server is being configured. */
  void register(RoutesConfig routes);
}
