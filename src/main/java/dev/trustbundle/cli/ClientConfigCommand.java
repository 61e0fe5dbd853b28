package dev.trustbundle.cli;

import dev.trustbundle.client.ClientFiles;
import dev.trustbundle.client.ClientSettings;
import dev.trustbundle.client.MirrorUrl;
import dev.trustbundle.error.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle client-config}: the files that point Windows clients at the mirror. */
@Command(
    name = "client-config",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Writes the files that point Windows clients at the mirror: trustbundle-client.reg"
          + " (regedit), Registry.pol (LGPO.exe /m), Set-TrustBundleMirror.ps1 (sets the values,"
          + " imports extra certificates, forces a resync; -WhatIf, -Undo) and TrustBundle.admx"
          + " with en-US/TrustBundle.adml (Group Policy Central Store).",
      "Each file is written to a temporary file and renamed; existing files are kept unless"
          + " --force."
    })
final class ClientConfigCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--url",
      required = true,
      paramLabel = "URL",
      description =
          "The mirror folder as clients reach it: http://host/path, https://host/path or"
              + " file://\\\\server\\share.")
  String url;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Folder to write to (default: the current folder).")
  Path out;

  @Option(
      names = "--force",
      description =
          "Replace files that already exist, and accept a --url host that clients cannot reach"
              + " (0.0.0.0, loopback, link-local).")
  boolean force;

  @Option(
      names = "--no-query-string",
      description =
          "Also set Flags = 0x4: clients send no random query string (for a server that does not"
              + " ignore query strings).")
  boolean noQueryString;

  @Option(
      names = "--sync-interval",
      paramLabel = "SECONDS",
      description =
          "Also set SyncDeltaTime, DisallowedCertSyncDeltaTime and PinRulesSyncDeltaTime (60 to"
              + " 31536000 seconds).")
  Integer syncInterval;

  @Override
  public Integer call() {
    MirrorUrl mirror = MirrorUrl.parse("--url", url);
    if (mirror.unreachableHost().isPresent() && !force) {
      throw new UsageException(
          "--url "
              + mirror
              + ": "
              + mirror.unreachableHost().get()
              + "; give the mirror's host name or address as clients reach it, or pass --force");
    }
    if (syncInterval != null
        && (syncInterval < ClientSettings.MIN_SYNC_SECONDS
            || syncInterval > ClientSettings.MAX_SYNC_SECONDS)) {
      throw new UsageException(
          "--sync-interval must be "
              + ClientSettings.MIN_SYNC_SECONDS
              + " to "
              + ClientSettings.MAX_SYNC_SECONDS
              + " seconds, not "
              + syncInterval);
    }
    ClientSettings settings =
        new ClientSettings(
            Optional.of(mirror),
            noQueryString,
            syncInterval == null ? OptionalInt.empty() : OptionalInt.of(syncInterval));
    SortedMap<String, byte[]> files = ClientFiles.generate(settings);

    Path dir = out.toAbsolutePath().normalize();
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
      throw new UsageException("--out " + out + " is not a folder");
    }
    Path parent = dir.getParent();
    if (!Files.isDirectory(dir) && (parent == null || !Files.isDirectory(parent))) {
      throw new UsageException("--out " + out + ": its parent folder does not exist");
    }
    // Refuse before writing anything, so that a refusal leaves the folder as it was.
    if (!force) {
      for (String name : files.keySet()) {
        Path target = dir.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new UsageException(
              target + " already exists; pass --force to replace it, or choose another --out");
        }
      }
    }
    try {
      Files.createDirectories(dir);
      for (String name : files.keySet()) {
        Path parentDir = dir.resolve(name).getParent();
        if (parentDir != null) {
          Files.createDirectories(parentDir);
        }
      }
    } catch (IOException e) {
      throw new UsageException("--out " + out + " cannot be created: " + e.getMessage());
    }
    PrintWriter w = spec.commandLine().getOut();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path target = dir.resolve(f.getKey());
      if (Files.isDirectory(target)) {
        throw new UsageException(target + " is a folder; remove it or choose another --out");
      }
      byte[] body = f.getValue();
      Outputs.atomicWrite(target, o -> o.write(body), false);
    }
    w.println("wrote " + files.size() + " files to " + dir + " for RootDirUrl " + mirror.value());
    for (String name : ClientFiles.READING_ORDER) {
      w.printf("  %-28s %s%n", name, ClientFiles.purpose(name));
    }
    w.flush();
    return ExitCodes.OK;
  }
}
