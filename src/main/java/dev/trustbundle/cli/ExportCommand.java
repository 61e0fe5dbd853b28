package dev.trustbundle.cli;

import dev.trustbundle.error.UsageException;
import dev.trustbundle.store.Export;
import dev.trustbundle.store.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle export}: the active tree for another web server or a file share. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Writes the active version's files, flat, for an existing web server fleet or a DFS/SMB"
          + " share (a file:// RootDirUrl): plain files; with --format iis a web.config with the"
          + " MIME types and caching; with --format nginx an nginx server snippet and lower-case"
          + " copies of the .crt names (Linux file systems are case-sensitive).",
      "The active version is verified first (every file against its manifest, and the bundle"
          + " rules); one that fails is refused and nothing is written. Only the mirror files are"
          + " written, never client/. The folder is replaced as a whole: the new tree is written"
          + " beside it and swapped in; a failure removes what was written."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder.")
  Path state;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write.")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "plain|iis|nginx",
      defaultValue = "plain",
      description = "What to add for the web server (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    Export.Format f = Export.Format.parse(format);
    if (!Files.isDirectory(state)) {
      throw new UsageException("--state " + state + " is not a folder");
    }
    StateStore store = StateStore.existing(state);
    store.checkState();
    Export.Exported e = Export.write(store, out, f);
    Path target = e.target();
    var w = spec.commandLine().getOut();
    w.println(
        "exported " + e.id() + ": " + e.files() + " files to " + target + " (" + format + ")");
    switch (f) {
      case NGINX ->
          w.println("  include " + target.resolve(Export.NGINX_CONF) + " in a server block");
      case IIS ->
          w.println(
              "  point an IIS site or virtual directory at "
                  + target
                  + "; web.config sets the MIME types");
      case PLAIN ->
          w.println("  share it and set RootDirUrl to file://\\\\SERVER\\SHARE (see README)");
    }
    w.flush();
    return ExitCodes.OK;
  }
}
