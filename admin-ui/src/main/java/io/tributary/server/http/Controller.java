package io.tributary.server.http;

/** One REST resource: registers its routes, each with the access it needs. One implementation per resource. */
public interface Controller {

  /** Adds this resource's routes. Called once, while the server is being configured. */
  void register(Api api);
}
