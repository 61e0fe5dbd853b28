package dev.trustbundle.cli;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.store.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
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
      "The folder is replaced as a whole: the new tree is written beside it and swapped in."
    })
final class ExportCommand implements Callable<Integer> {
  private static final String MARKER = ".trustbundle-export";

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
    try {
      return export();
    } catch (IOException e) {
      throw new UsageException("--out " + out + " cannot be written: " + e.getMessage());
    }
  }

  private Integer export() throws IOException {
    if (!format.matches("plain|iis|nginx")) {
      throw new UsageException("--format must be plain, iis or nginx, not " + format);
    }
    if (!Files.isDirectory(state)) {
      throw new UsageException("--state " + state + " is not a folder");
    }
    StateStore.Active active =
        new StateStore(state)
            .active()
            .orElseThrow(
                () -> new UsageException(state + " has no active bundle; import one first"));
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target)
        && !Files.isRegularFile(target.resolve(MARKER))
        && !isEmptyDir(target)) {
      throw new UsageException(
          "--out " + out + " exists and was not written by export; name an empty or new folder");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + target.getFileName() + ".new-" + UUID.randomUUID());
    Files.createDirectories(tmp);
    int files = 0;
    for (Manifest.FileInfo f : active.manifest().files()) {
      if (!f.path().startsWith("mirror/")) {
        continue;
      }
      String name = f.path().substring(7);
      Path src = active.path().resolve(f.path());
      // Same time on every export of the same file, so that other servers' ETag and
      // Last-Modified do not change and clients are not sent unchanged files again.
      java.nio.file.attribute.FileTime mtime =
          java.nio.file.attribute.FileTime.from(
              java.time.Instant.parse(active.manifest().created()));
      Files.copy(src, tmp.resolve(name));
      Files.setLastModifiedTime(tmp.resolve(name), mtime);
      files++;
      if (format.equals("nginx") && name.endsWith(".crt")) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.equals(name)) {
          Files.copy(src, tmp.resolve(lower));
          Files.setLastModifiedTime(tmp.resolve(lower), mtime);
        }
      }
    }
    Files.writeString(tmp.resolve(MARKER), active.id() + "\n", StandardCharsets.UTF_8);
    if (format.equals("iis")) {
      Files.writeString(tmp.resolve("web.config"), webConfig(), StandardCharsets.UTF_8);
    } else if (format.equals("nginx")) {
      Files.writeString(
          tmp.resolve("trustbundle-nginx.conf"), nginx(target), StandardCharsets.UTF_8);
    }
    // Swap: the old tree moves aside, the new one takes its name, the old one is removed.
    Path old = parent.resolve("." + target.getFileName() + ".old-" + UUID.randomUUID());
    if (Files.exists(target)) {
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    if (Files.exists(old)) {
      try (var walk = Files.walk(old)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    var w = spec.commandLine().getOut();
    w.println(
        "exported " + active.id() + ": " + files + " files to " + target + " (" + format + ")");
    if (format.equals("nginx")) {
      w.println("  include " + target.resolve("trustbundle-nginx.conf") + " in a server block");
    } else if (format.equals("iis")) {
      w.println(
          "  point an IIS site or virtual directory at "
              + target
              + "; web.config sets the MIME types");
    } else {
      w.println("  share it and set RootDirUrl to file://\\\\SERVER\\SHARE (see README)");
    }
    w.flush();
    return ExitCodes.OK;
  }

  private static boolean isEmptyDir(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (var s = Files.list(p)) {
      return s.findAny().isEmpty();
    }
  }

  static String webConfig() {
    return """
        <?xml version="1.0" encoding="utf-8"?>
        <!-- Written by trustbundle export: serves Microsoft's CTL files as Windows Update does. -->
        <configuration>
          <system.webServer>
            <directoryBrowse enabled="false" />
            <staticContent>
              <remove fileExtension=".cab" />
              <mimeMap fileExtension=".cab" mimeType="application/vnd.ms-cab-compressed" />
              <remove fileExtension=".crt" />
              <mimeMap fileExtension=".crt" mimeType="application/pkix-cert" />
              <remove fileExtension=".crl" />
              <mimeMap fileExtension=".crl" mimeType="application/pkix-crl" />
              <remove fileExtension=".stl" />
              <mimeMap fileExtension=".stl" mimeType="application/octet-stream" />
              <remove fileExtension=".sst" />
              <mimeMap fileExtension=".sst" mimeType="application/octet-stream" />
              <remove fileExtension=".txt" />
              <mimeMap fileExtension=".txt" mimeType="text/plain" />
              <clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="01:00:00" />
            </staticContent>
            <security>
              <requestFiltering>
                <verbs allowUnlisted="false">
                  <add verb="GET" allowed="true" />
                  <add verb="HEAD" allowed="true" />
                </verbs>
                <hiddenSegments>
                  <add segment=".trustbundle-export" />
                </hiddenSegments>
              </requestFiltering>
            </security>
          </system.webServer>
        </configuration>
        """;
  }

  static String nginx(Path root) {
    return """
        # Written by trustbundle export. Include inside a server { } block, e.g.
        #   server { listen 80; server_name ctl.example.internal; include %s; }
        # Query strings are ignored by static file serving; ETag and Last-Modified are on by default.
        types {
            application/vnd.ms-cab-compressed cab;
            application/pkix-cert crt;
            application/pkix-crl crl;
            text/plain txt;
            application/octet-stream stl sst;
        }
        default_type application/octet-stream;
        etag on;
        autoindex off;
        add_header Cache-Control "max-age=3600";
        location ~ /\\. { deny all; }
        location = /trustbundle-nginx.conf { return 404; }
        location / {
            if ($request_method !~ ^(GET|HEAD)$) { add_header Allow "GET, HEAD" always; return 405; }
            root %s;
        }
        location /msdownload/update/v3/static/trustedr/en/ {
            if ($request_method !~ ^(GET|HEAD)$) { add_header Allow "GET, HEAD" always; return 405; }
            alias %s/;
        }
        """
        .formatted(root.resolve("trustbundle-nginx.conf"), root, root);
  }
}
