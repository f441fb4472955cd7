package io.tributary.server;

import io.tributary.server.cli.Cli;

/** Entry point of the {@code tributary} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // Exit explicitly: the status carries usage errors (2), and after a clean stop no
    // lingering non-daemon thread may keep the process alive.
    System.exit(Cli.run(args));
  }
}
