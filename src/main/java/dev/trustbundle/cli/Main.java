package dev.trustbundle.cli;

import dev.trustbundle.error.TrustBundleException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code trustbundle}: the command line entry point. */
@Command(
    name = "trustbundle",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Mirrors Microsoft's Windows certificate trust lists (authroot, disallowed, pin rules) into"
          + " networks that cannot reach Windows Update."
    })
public final class Main implements Runnable {
  /** The commands, in the order --help lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          InspectCommand.class,
          KeygenCommand.class,
          BuildCommand.class,
          VerifyCommand.class,
          ImportCommand.class,
          StatusCommand.class,
          RollbackCommand.class,
          ServeCommand.class,
          ExportCommand.class,
          DiffCommand.class,
          ProbeCommand.class,
          ClientConfigCommand.class,
          CheckCommand.class,
          EndpointsCommand.class);

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    prewarm(args);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /**
   * For {@code build}, loads the YAML parser and the HTTP code on a spare core while picocli reads
   * the command line: start-up time that would otherwise come before the first download. The TLS
   * context (a tenth of a second) only when the build may need it: an https upstream, a proxy (the
   * JDK client carries proxied requests) or a profile (its URLs may be https).
   */
  private static void prewarm(String[] args) {
    if (args.length == 0 || !args[0].equals("build")) {
      return;
    }
    boolean tls =
        java.util.Arrays.stream(args)
            .anyMatch(
                a ->
                    a.regionMatches(true, 0, "https:", 0, 6)
                        || a.contains("=https:")
                        || a.startsWith("--proxy")
                        || a.startsWith("--profile"));
    Thread t =
        new Thread(
            () -> {
              dev.trustbundle.upstream.Fetcher.prewarm(tls);
              dev.trustbundle.profile.ProfileParser.prewarm();
            },
            "trustbundle-prewarm");
    t.setDaemon(true);
    t.start();
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    CommandLine cmd = new CommandLine(main);
    addCommands(cmd, args);
    cmd.setOut(out);
    documentExitCodes(cmd);
    cmd.setErr(err);
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          String sub = ex.getCommandLine().getCommandName();
          String help =
              sub.equals("trustbundle") ? "trustbundle --help" : "trustbundle " + sub + " --help";
          err.println("trustbundle: " + oneLine(ex.getMessage()) + " (see '" + help + "')");
          if (main.verbose) {
            ex.printStackTrace(err);
          }
          return ExitCodes.USAGE;
        });
    cmd.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          if (ex instanceof TrustBundleException) {
            err.println("trustbundle: " + oneLine(ex.getMessage()));
          } else {
            err.println(
                "trustbundle: internal error: "
                    + oneLine(String.valueOf(ex))
                    + (main.verbose ? "" : " (rerun with --verbose for details)"));
          }
          if (main.verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return ExitCodes.of(ex);
        });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Registers the commands. picocli reads every registered command's annotations up front, which
   * costs a short-lived run more than the command itself; when the first argument names a command,
   * only that one is registered (help and errors about other commands then never arise).
   */
  private static void addCommands(CommandLine cmd, String[] args) {
    String first = args.length > 0 ? args[0] : "";
    List<Class<?>> chosen =
        COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
    for (Class<?> c : chosen.isEmpty() ? COMMANDS : chosen) {
      cmd.addSubcommand(c);
    }
    if (chosen.isEmpty()) {
      cmd.addSubcommand(new CommandLine.HelpCommand());
    }
  }

  private static void documentExitCodes(CommandLine cmd) {
    cmd.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes (for several files, the worst):%n")
        .exitCodeList(ExitCodes.HELP);
    cmd.getSubcommands().values().forEach(Main::documentExitCodes);
  }

  /** One line, control characters escaped: messages may quote hostile input. */
  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.replaceAll("\\s*\\R\\s*", " ").trim();
    StringBuilder out = new StringBuilder(line.length());
    for (char c : line.toCharArray()) {
      out.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"trustbundle " + (v == null ? "(development build)" : v)};
    }
  }
}
