package dev.trustbundle.cli;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle rollback}: serve a version kept before. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Makes a kept version active again (by default the one before the active one),"
          + " atomically, and records it in the history. Only a version that verifies as it is on"
          + " disk now (complete, every file matching its manifest, and the bundle rules) can be"
          + " activated; one that fails is refused (exit 1) and recorded."
    })
final class RollbackCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder.")
  Path state;

  @Option(names = "--to", paramLabel = "ID", description = "The bundle id to activate.")
  String to;

  @Override
  public Integer call() {
    if (!Files.isDirectory(state)) {
      throw new dev.trustbundle.error.UsageException("--state " + state + " is not a folder");
    }
    Manifest m = StateStore.existing(state).rollback(Optional.ofNullable(to));
    spec.commandLine()
        .getOut()
        .println("activated " + m.bundleId() + " (sequence " + m.sequence() + ")");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
