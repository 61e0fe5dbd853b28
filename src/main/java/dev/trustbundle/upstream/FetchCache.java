package dev.trustbundle.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.ctl.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A folder of previously verified downloads keyed by URL, for conditional requests ({@code --cache
 * DIR}). An entry is written only by {@link #store}, which callers invoke after the bytes passed
 * verification, so an interrupted or failed build never leaves a bad entry. Each entry records its
 * SHA-256 and is checked on read; a damaged entry is ignored.
 */
public final class FetchCache {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  /** A cache in {@code dir}, created if missing. */
  public FetchCache(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new dev.trustbundle.error.UsageException(
          "--cache " + dir + " cannot be created (" + e.getMessage() + ")");
    }
  }

  /**
   * A cached entry.
   *
   * @param body the verified bytes
   * @param etag the ETag they came with
   * @param lastModified the Last-Modified they came with
   */
  public record Entry(byte[] body, Optional<String> etag, Optional<String> lastModified) {}

  /** The entry for {@code url}, if there is an intact one. */
  public Optional<Entry> lookup(String url) {
    String key = Hex.sha256(url.getBytes(StandardCharsets.UTF_8));
    Path meta = dir.resolve(key + ".json");
    Path body = dir.resolve(key + ".body");
    try {
      if (!Files.isRegularFile(meta) || !Files.isRegularFile(body)) {
        return Optional.empty();
      }
      JsonNode m = JSON.readTree(Files.readAllBytes(meta));
      byte[] b = Files.readAllBytes(body);
      if (!url.equals(m.path("url").asText()) || !Hex.sha256(b).equals(m.path("sha256").asText())) {
        return Optional.empty();
      }
      return Optional.of(
          new Entry(
              b,
              Optional.ofNullable(m.path("etag").textValue()),
              Optional.ofNullable(m.path("lastModified").textValue())));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Records verified bytes for {@code url}; written to temporary files and renamed. */
  public void store(Fetched f) {
    if (f.fromCache()) {
      return;
    }
    String key = Hex.sha256(f.url().getBytes(StandardCharsets.UTF_8));
    ObjectNode m = JSON.createObjectNode();
    m.put("url", f.url());
    m.put("sha256", Hex.sha256(f.body()));
    m.put("etag", f.etag().orElse(null));
    m.put("lastModified", f.lastModified().orElse(null));
    m.put("fetchedAt", f.fetchedAt().toString());
    try {
      // Body first, then the metadata that vouches for it.
      write(dir.resolve(key + ".body"), f.body());
      write(dir.resolve(key + ".json"), JSON.writeValueAsBytes(m));
    } catch (IOException e) {
      // A cache that cannot be written only costs a full download next time.
    }
  }

  /** Forgets the entry for {@code url}. */
  public void evict(String url) {
    String key = Hex.sha256(url.getBytes(StandardCharsets.UTF_8));
    try {
      Files.deleteIfExists(dir.resolve(key + ".json"));
      Files.deleteIfExists(dir.resolve(key + ".body"));
    } catch (IOException e) {
      // Next lookup re-checks the SHA-256 anyway.
    }
  }

  private static void write(Path target, byte[] data) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
    try {
      Files.write(tmp, data);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
