package dev.trustbundle.store;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes the active version's {@code mirror/} files, flat, for another web server or a file share.
 * The version is verified first and each file's bytes are checked against the manifest again as
 * they are copied, so that what is written is what was verified; nothing outside {@code mirror/}
 * (never {@code client/}) is written. The new tree is written beside {@code --out} and swapped in;
 * a failure at any point removes what was written and leaves the previous tree in place.
 */
public final class Export {
  /** The marker that says a folder was written by export (and may be replaced by it). */
  public static final String MARKER = ".trustbundle-export";

  /** The nginx snippet's name. */
  public static final String NGINX_CONF = "trustbundle-nginx.conf";

  /** A mirror file name export writes: flat, no leading dot, nothing a web server interprets. */
  private static final Pattern FLAT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** What to write beside the files. */
  public enum Format {
    PLAIN,
    IIS,
    NGINX;

    /** The format named by {@code --format}. */
    public static Format parse(String value) {
      for (Format f : values()) {
        if (f.name().toLowerCase(Locale.ROOT).equals(value)) {
          return f;
        }
      }
      throw new UsageException("--format must be plain, iis or nginx, not " + value);
    }
  }

  /**
   * What an export wrote.
   *
   * @param id the version
   * @param files how many mirror files
   * @param target the folder
   */
  public record Exported(String id, int files, Path target) {}

  private Export() {}

  /** Exports the active version of {@code store} to {@code out}. */
  public static Exported write(StateStore store, Path out, Format format) {
    Path target = out.toAbsolutePath().normalize();
    if (format == Format.NGINX) {
      nginxSafe(target.toString());
    }
    String id =
        store
            .activeId()
            .orElseThrow(
                () -> new UsageException(store.dir() + " has no active bundle; import one first"));
    java.util.List<String> problems = store.verifyVersion(id);
    if (!problems.isEmpty()) {
      store.recordVersionFailure(id, problems.get(0));
      throw new VerificationException(
          "the active version "
              + id
              + " fails verification: "
              + StateStore.summary(problems)
              + "; nothing was exported (roll back, or import the bundle again)");
    }
    StateStore.Active active = store.active().orElseThrow();
    Manifest m = active.manifest();
    Map<String, Manifest.FileInfo> mirror = mirrorFiles(m, format);
    try {
      refuseForeign(target);
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw cannotWrite(out, e);
    }
    Path tmp = target.resolveSibling("." + target.getFileName() + ".new-" + UUID.randomUUID());
    Path old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
    try {
      writeTree(
          store,
          store.versionDir(id),
          tmp,
          active.lastModified(),
          mirror,
          configs(format, target),
          id);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        store.durable().rename("export aside", target, old);
      }
      store.durable().rename("export swap", tmp, target);
    } catch (IOException | RuntimeException e) {
      rollBack(tmp, old, target);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw cannotWrite(out, (IOException) e);
    }
    try {
      Durable.deleteTree(old);
    } catch (IOException e) {
      // The new tree is in place; the old one is removed by the next export's clean-up.
    }
    int files = (int) m.files().stream().filter(f -> f.path().startsWith("mirror/")).count();
    return new Exported(id, files, target);
  }

  /** The files to write, by name: the mirror files, and for nginx lower-case .crt copies. */
  private static Map<String, Manifest.FileInfo> mirrorFiles(Manifest m, Format format) {
    Map<String, Manifest.FileInfo> out = new LinkedHashMap<>();
    for (Manifest.FileInfo f : m.files()) {
      if (!f.path().startsWith("mirror/")) {
        continue;
      }
      String name = f.path().substring("mirror/".length());
      if (!FLAT_NAME.matcher(name).matches()) {
        throw new VerificationException(
            f.path() + " is not a flat file name that export may write; nothing was exported");
      }
      add(out, name, f);
    }
    if (format == Format.NGINX) {
      for (Map.Entry<String, Manifest.FileInfo> e : Map.copyOf(out).entrySet()) {
        String lower = e.getKey().toLowerCase(Locale.ROOT);
        if (e.getKey().endsWith(".crt") && !lower.equals(e.getKey())) {
          add(out, lower, e.getValue());
        }
      }
    }
    return out;
  }

  private static void add(Map<String, Manifest.FileInfo> out, String name, Manifest.FileInfo f) {
    for (String n : out.keySet()) {
      if (n.equalsIgnoreCase(name) && out.get(n) != f) {
        throw new VerificationException(
            "mirror/" + name + " and mirror/" + n + " differ only in case; nothing was exported");
      }
    }
    out.put(name, f);
  }

  private static void writeTree(
      StateStore store,
      Path version,
      Path tmp,
      Instant lastModified,
      Map<String, Manifest.FileInfo> mirror,
      Map<String, String> configs,
      String id)
      throws IOException {
    Files.createDirectory(tmp);
    // The activation time, as serve gives it: the same on every export of the active version, so
    // that other servers' ETag and Last-Modified do not change, and later with every activation.
    FileTime mtime = FileTime.from(lastModified);
    for (Map.Entry<String, Manifest.FileInfo> e : mirror.entrySet()) {
      store.durable().step("export " + e.getKey());
      Manifest.FileInfo f = e.getValue();
      byte[] b = VersionCheck.read(VersionCheck.resolve(version, f.path()), f.size());
      if (b == null || b.length != f.size() || !Hex.sha256(b).equalsIgnoreCase(f.sha256())) {
        throw new VerificationException(
            f.path() + " changed on disk while it was exported; nothing was exported");
      }
      Path p = tmp.resolve(e.getKey());
      Durable.write(p, b);
      Files.setLastModifiedTime(p, mtime);
    }
    Files.writeString(tmp.resolve(MARKER), id + "\n", StandardCharsets.UTF_8);
    for (Map.Entry<String, String> c : configs.entrySet()) {
      Files.writeString(tmp.resolve(c.getKey()), c.getValue(), StandardCharsets.UTF_8);
    }
  }

  /** Undoes a failed export: the new tree goes, the old one comes back if it was set aside. */
  private static void rollBack(Path tmp, Path old, Path target) {
    try {
      Durable.deleteTree(tmp);
      if (Files.exists(old, LinkOption.NOFOLLOW_LINKS)
          && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(old, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      // The original failure is the one reported; what remains is named in it by the caller.
    }
  }

  /** A folder that is neither new, empty nor written by export is someone else's. */
  private static void refuseForeign(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException("--out " + target + " is not a folder; name an empty or new folder");
    }
    if (Files.isRegularFile(target.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var s = Files.list(target)) {
      if (s.findAny().isPresent()) {
        throw new UsageException(
            "--out "
                + target
                + " exists and was not written by export; name an empty or new folder");
      }
    }
  }

  /**
   * An nginx quoted string takes any character but these safely: a quote or backslash would end or
   * escape it, {@code $} starts a variable in {@code root} and {@code alias}, and a control
   * character (a newline) would end the directive.
   */
  static void nginxSafe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '$' || c < 0x20 || c == 0x7F) {
        throw new UsageException(
            "--out "
                + dev.trustbundle.error.Messages.plain(s)
                + " holds a character nginx cannot take in a quoted path ('\"', '\\', '$' or a"
                + " control character); choose another folder");
      }
    }
  }

  /** {@code "path"}, for nginx; the path has passed {@link #nginxSafe}. */
  static String nginxQuoted(String p) {
    nginxSafe(p);
    return "\"" + p + "\"";
  }

  private static UsageException cannotWrite(Path out, IOException e) {
    return new UsageException("--out " + out + " cannot be written: " + e.getMessage());
  }

  /** The web server configuration written beside the files: name to contents. */
  private static Map<String, String> configs(Format format, Path target) {
    return switch (format) {
      case PLAIN -> Map.of();
      case IIS -> Map.of("web.config", webConfig());
      case NGINX -> Map.of(NGINX_CONF, nginx(target));
    };
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
                <!-- Only the mirror's own kinds of file are answered: nothing a handler could run
                     (.aspx, .config, ...) even if one were put in the folder by hand. -->
                <fileExtensions allowUnlisted="false">
                  <add fileExtension=".cab" allowed="true" />
                  <add fileExtension=".crt" allowed="true" />
                  <add fileExtension=".crl" allowed="true" />
                  <add fileExtension=".stl" allowed="true" />
                  <add fileExtension=".sst" allowed="true" />
                  <add fileExtension=".txt" allowed="true" />
                </fileExtensions>
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
        location ~* /trustbundle-nginx\\.conf$ { return 404; }
        location / {
            if ($request_method !~ ^(GET|HEAD)$) { add_header Allow "GET, HEAD" always; return 405; }
            root %s;
        }
        location /msdownload/update/v3/static/trustedr/en/ {
            if ($request_method !~ ^(GET|HEAD)$) { add_header Allow "GET, HEAD" always; return 405; }
            alias %s;
        }
        """
        .formatted(
            nginxQuoted(root.resolve(NGINX_CONF).toString()),
            nginxQuoted(root.toString()),
            nginxQuoted(root + "/"));
  }
}
