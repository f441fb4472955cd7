package io.tributary.server.cli;

import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogException;
import io.tributary.catalog.IssuedToken;
import io.tributary.server.Node;
import io.tributary.server.config.InvalidConfigException;
import io.tributary.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code tributary reset-admin}: the recovery path when no admin token is left (lost, expired, or
 * the last admin's holder gone). It opens the catalog directly, which only someone holding the
 * data dir (or the database credentials) and the master key can do, creates a new admin principal
 * with a fresh token and audits it as {@code admin.reset}. The embedded database allows one
 * process: stop the node first.
 */
@Command(
    name = "reset-admin",
    mixinStandardHelpOptions = true,
    description = {
      "Create a new admin token in the catalog of a stopped node (recovery when every admin token is"
          + " lost). Audited as admin.reset.",
      "The token is written to --token-file (readable by its owner only) or, without it, printed once."
    })
public final class ResetAdminCommand implements Callable<Integer> {

  /** The audit actor of a reset: a person at the machine, not a principal. */
  static final String ACTOR = "reset-admin (command line)";

  @Spec CommandSpec spec;

  @ParentCommand TributaryCommand options;

  @Option(names = "--name", paramLabel = "<name>", defaultValue = "recovery-admin",
      description = "Name of the new admin principal (A-Z a-z 0-9 . _ @ -). Default: ${DEFAULT-VALUE}.")
  String name;

  @Option(names = "--reason", paramLabel = "<text>", defaultValue = "admin access recovered",
      description = "Why, for the audit trail. Default: ${DEFAULT-VALUE}.")
  String reason;

  @Option(names = "--token-file", paramLabel = "<file>",
      description = "Write the token to this new file (mode 0600) instead of printing it.")
  Path tokenFile;

  private final Map<String, String> environment;

  /** Used by picocli's default factory: the real environment. */
  public ResetAdminCommand() {
    this(System.getenv());
  }

  ResetAdminCommand(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() throws IOException {
    ServerConfig config;
    try {
      config = ServerConfig.resolve(options.givenFlags(), environment, Optional.empty());
    } catch (InvalidConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    if (tokenFile != null && Files.exists(tokenFile)) {
      throw new ParameterException(spec.commandLine(), "--token-file " + tokenFile + " exists; name a new file");
    }
    IssuedToken issued;
    try (Catalog catalog = Catalog.open(Node.catalogSettings(config, Clock.systemUTC()))) {
      issued = catalog.principals().resetAdmin(name, ACTOR, reason);
    } catch (CatalogException e) {
      spec.commandLine().getErr().println("tributary: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("tributary: cannot open the catalog (is the node still running? the"
          + " embedded database allows one process): " + e.getMessage());
      return 1;
    }
    var out = spec.commandLine().getOut();
    if (tokenFile == null) {
      out.println("Created admin '" + issued.principal().name() + "' (id " + issued.principal().id()
          + "). Its token, shown this once:");
      out.println(issued.token());
    } else {
      Files.createDirectories(tokenFile.toAbsolutePath().getParent());
      Files.writeString(Files.createFile(tokenFile, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), issued.token() + "\n", StandardCharsets.US_ASCII);
      out.println("Created admin '" + issued.principal().name() + "' (id " + issued.principal().id()
          + "); its token is in " + tokenFile + " (readable by you only).");
    }
    out.println("Log in with it, then revoke the tokens you no longer trust.");
    out.flush();
    return 0;
  }
}
