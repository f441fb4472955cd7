package io.tributary.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Builds and runs the {@code tributary} command line. */
public final class Cli {

  /**
   * System property with the distribution's home folder, set by {@code bin/tributary}. Its
   * {@code plugins/} folder is the default plugins dir.
   */
  public static final String HOME_PROPERTY = "tributary.home";

  private Cli() {}

  /**
   * Runs the command line and returns the process exit status: 0 on success, 2 for a usage
   * error (bad option value, unknown option, missing command), 1 for an unexpected failure.
   */
  public static int run(String[] args) {
    return commandLine().execute(args);
  }

  /** The command line with this server's conventions, for {@link #run} and for tests. */
  static CommandLine commandLine() {
    return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, CommandLine.defaultFactory());
  }

  /** With a factory, so tests can hand {@link ServeCommand} a fake environment and signals. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
    CommandLine commandLine = new CommandLine(new TributaryCommand(), factory);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setUsageHelpWidth(100);
    commandLine.setParameterExceptionHandler(Cli::reportUsageError);
    return commandLine;
  }

  /** A short message naming the bad option and a pointer to --help; exit status 2. */
  private static int reportUsageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("tributary: " + e.getMessage());
    if (!UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println(
          "Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  static Optional<Path> distributionHome() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(Path.of(home));
  }
}
