package dev.trustbundle.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.SequenceNumber;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;

/**
 * The state folder of a disconnected mirror:
 *
 * <pre>
 * DIR/versions/&lt;bundle id&gt;/   a complete, verified bundle tree (mirror/, extra/, crl/, manifest)
 * DIR/active.json               which version is served; replaced atomically
 * DIR/state.json                the highest bundle and list sequences accepted (rollback guard)
 * DIR/history.jsonl             every import, rollback and refusal with its evidence
 * DIR/lock                      held while the state changes
 * </pre>
 *
 * A version is written under a temporary name, every file and folder synced, then renamed into
 * place; only then is {@code active.json} replaced by rename. A crash at any point leaves the
 * previous version active and the state consistent; leftovers are removed on the next run.
 */
public final class StateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TMP_PREFIX = ".incoming-";

  private final Path dir;
  // History and activation times are real times, whatever --at evaluated the bundle at.
  private final java.time.Clock clock = java.time.Clock.systemUTC();

  /** A store in {@code dir}, created if missing. */
  public StateStore(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir.resolve("versions"));
    } catch (IOException e) {
      throw new UsageException("--state " + dir + " cannot be created (" + e.getMessage() + ")");
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * The active version.
   *
   * @param id the bundle id
   * @param path its folder
   * @param manifest its manifest
   * @param activatedAt when it became active
   */
  public record Active(String id, Path path, Manifest manifest, String activatedAt) {}

  /** The version being served, if any. */
  public Optional<Active> active() {
    Path pointer = dir.resolve("active.json");
    if (!Files.isRegularFile(pointer)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(pointer));
      String id = n.path("id").asText("");
      Path version = versionDir(id);
      Manifest m = Json.read(Files.readAllBytes(version.resolve("manifest.json")));
      return Optional.of(new Active(id, version, m, n.path("activatedAt").asText("")));
    } catch (IOException | RuntimeException e) {
      throw new UsageException(
          dir
              + "/active.json points to a version that cannot be read ("
              + e.getMessage()
              + "); run trustbundle rollback --state "
              + dir
              + " --to ID");
    }
  }

  /** The ids of the versions kept, oldest first by their sequence. */
  public List<Manifest> versions() {
    List<Manifest> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("versions"))) {
      for (Path p : ds) {
        if (p.getFileName().toString().startsWith(".")) {
          continue;
        }
        try {
          out.add(Json.read(Files.readAllBytes(p.resolve("manifest.json"))));
        } catch (IOException | RuntimeException e) {
          // A damaged version is never activated; status shows what remains.
        }
      }
    } catch (IOException e) {
      throw new UsageException(dir + "/versions cannot be listed: " + e.getMessage());
    }
    out.sort(Comparator.comparingLong(Manifest::sequence));
    return out;
  }

  /** The history, oldest first. */
  public List<JsonNode> history() {
    Path h = dir.resolve("history.jsonl");
    List<JsonNode> out = new ArrayList<>();
    if (!Files.isRegularFile(h)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(h, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(JSON.readTree(line));
        } catch (IOException e) {
          // A line cut by a crash: the rest of the history still counts.
        }
      }
    } catch (IOException e) {
      throw new UsageException(h + " cannot be read: " + e.getMessage());
    }
    return out;
  }

  /** What an import did. */
  public record Imported(BundleVerifier.Verified evidence, boolean downgrade, int pruned) {}

  /**
   * Imports a verified bundle: refuses rollbacks, extracts it durably, activates it atomically,
   * records it, and keeps the newest {@code keep} versions.
   *
   * @param files the archive's entries, already verified by {@code evidence}
   * @param evidence the verification
   * @param allowDowngrade accept a lower bundle or list sequence, logged as a downgrade
   * @param keep how many versions to keep
   * @param now when
   */
  public Imported importBundle(
      SortedMap<String, byte[]> files,
      BundleVerifier.Verified evidence,
      boolean allowDowngrade,
      int keep,
      Instant now) {
    try (Lock lock = lock()) {
      lock.ensureHeld();
      cleanLeftovers();
      Manifest m = evidence.manifest();
      String reason = rollbackReason(m);
      if (reason != null && !allowDowngrade) {
        record("refused", m, evidence, clock.instant(), reason, now);
        throw new VerificationException(
            reason + "; refusing a rollback (pass --allow-downgrade to roll back deliberately)");
      }
      Path target = versionDir(m.bundleId());
      if (!Files.isDirectory(target)) {
        Path tmp = dir.resolve("versions").resolve(TMP_PREFIX + UUID.randomUUID());
        List<Path> written = new ArrayList<>(files.size());
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
          Path p = tmp.resolve(e.getKey()).normalize();
          if (!p.startsWith(tmp)) {
            throw new VerificationException("unsafe path " + e.getKey() + " in the bundle");
          }
          Files.createDirectories(p.getParent());
          write(p, e.getValue());
          written.add(p);
        }
        // Every file reaches the disk before the version is renamed into place; the syncs run
        // side by side, so that the file system can commit them together (one by one, a full
        // mirror's 500 files cost seconds of waiting on the disk).
        forceAll(written);
        syncTree(tmp);
        move(tmp, target);
        fsyncDir(dir.resolve("versions"));
      }
      Instant at = clock.instant();
      activate(m.bundleId(), at);
      writeState(m);
      record(reason != null ? "downgrade" : "import", m, evidence, at, reason, now);
      int pruned = prune(keep, m.bundleId());
      return new Imported(evidence, reason != null, pruned);
    } catch (IOException e) {
      throw new UsageException("the state folder " + dir + " cannot be written: " + e.getMessage());
    }
  }

  /** Makes an existing version active again; with no id, the one before the active one. */
  public Manifest rollback(Optional<String> id) {
    try (Lock lock = lock()) {
      lock.ensureHeld();
      cleanLeftovers();
      List<Manifest> versions = versions();
      Optional<Active> active = active();
      Manifest target;
      if (id.isPresent()) {
        target =
            versions.stream()
                .filter(v -> v.bundleId().equals(id.get()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new UsageException(
                            "no version "
                                + id.get()
                                + " in "
                                + dir
                                + " (kept: "
                                + versions.stream().map(Manifest::bundleId).toList()
                                + ")"));
      } else {
        long current = active.map(a -> a.manifest().sequence()).orElse(Long.MAX_VALUE);
        target =
            versions.stream()
                .filter(v -> v.sequence() < current)
                .reduce((a, b) -> b)
                .orElseThrow(
                    () ->
                        new UsageException("there is no older version to roll back to in " + dir));
      }
      activate(target.bundleId(), clock.instant());
      ObjectNode h = JSON.createObjectNode();
      h.put("time", clock.instant().toString());
      h.put("action", "rollback");
      h.put("bundleId", target.bundleId());
      h.put("sequence", target.sequence());
      h.put("from", active.map(Active::id).orElse(null));
      append(h);
      return target;
    } catch (IOException e) {
      throw new UsageException("the state folder " + dir + " cannot be written: " + e.getMessage());
    }
  }

  /** Why this manifest would roll back what was accepted before, or null. */
  private String rollbackReason(Manifest m) throws IOException {
    Path statePath = dir.resolve("state.json");
    if (!Files.isRegularFile(statePath)) {
      return null;
    }
    JsonNode s = JSON.readTree(Files.readAllBytes(statePath));
    long highest = s.path("highestSequence").asLong(Long.MIN_VALUE);
    boolean sameBundle =
        m.sequence() == highest && m.bundleId().equals(s.path("highestBundleId").asText(""));
    if (m.sequence() <= highest && !sameBundle) {
      return "bundle sequence " + m.sequence() + " is not above the last accepted " + highest;
    }
    JsonNode lists = s.path("lists");
    for (Manifest.ListInfo l : m.lists()) {
      String before = lists.path(l.kind()).asText(null);
      if (before != null
          && l.sequenceNumber() != null
          && SequenceNumber.ofHex(l.sequenceNumber()).compareTo(SequenceNumber.ofHex(before)) < 0) {
        return "the "
            + l.kind()
            + " list "
            + l.sequenceNumber()
            + " is older than the accepted "
            + before;
      }
    }
    return null;
  }

  /**
   * Raises the rollback guard to this bundle; never lowers it, so that a deliberate downgrade does
   * not open the way for other old bundles.
   */
  private void writeState(Manifest m) throws IOException {
    ObjectNode s = JSON.createObjectNode();
    Path statePath = dir.resolve("state.json");
    JsonNode old =
        Files.isRegularFile(statePath) ? JSON.readTree(Files.readAllBytes(statePath)) : null;
    long highest = m.sequence();
    String highestId = m.bundleId();
    if (old != null && old.path("highestSequence").asLong(Long.MIN_VALUE) > highest) {
      highest = old.path("highestSequence").asLong();
      highestId = old.path("highestBundleId").asText("");
    }
    ObjectNode lists = s.putObject("lists");
    if (old != null) {
      old.path("lists").properties().forEach(e -> lists.set(e.getKey(), e.getValue()));
    }
    for (Manifest.ListInfo l : m.lists()) {
      String before = lists.path(l.kind()).asText(null);
      if (before == null
          || SequenceNumber.ofHex(l.sequenceNumber()).compareTo(SequenceNumber.ofHex(before)) > 0) {
        lists.put(l.kind(), l.sequenceNumber());
      }
    }
    s.put("highestSequence", highest);
    s.put("highestBundleId", highestId);
    replaceAtomically(statePath, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
  }

  private void activate(String id, Instant now) throws IOException {
    if (!Files.isRegularFile(versionDir(id).resolve("manifest.json"))) {
      throw new UsageException("version " + id + " is incomplete and cannot be activated");
    }
    ObjectNode a = JSON.createObjectNode();
    a.put("id", id);
    a.put("activatedAt", now.toString());
    replaceAtomically(dir.resolve("active.json"), JSON.writeValueAsBytes(a));
  }

  private void record(
      String action,
      Manifest m,
      BundleVerifier.Verified ev,
      Instant time,
      String reason,
      Instant at)
      throws IOException {
    ObjectNode h = JSON.createObjectNode();
    h.put("time", time.toString());
    if (!at.equals(time)) {
      h.put("evaluatedAt", at.toString());
    }
    h.put("action", action);
    h.put("bundleId", m.bundleId());
    h.put("sequence", m.sequence());
    h.put("created", m.created());
    h.put("expires", m.expires());
    h.put("signer", ev.signer());
    h.put("filesVerified", ev.filesVerified());
    ArrayNode l = h.putArray("lists");
    ev.lists().forEach(l::add);
    ArrayNode w = h.putArray("warnings");
    ev.warnings().forEach(w::add);
    m.warnings().forEach(w::add);
    if (reason != null) {
      h.put("reason", reason);
    }
    append(h);
  }

  /**
   * Records a bundle refused before it could be read or verified; the refusal itself is reported by
   * the caller. A history that cannot be written does not change the refusal.
   */
  public void recordRefusal(String file, String reason) {
    ObjectNode h = JSON.createObjectNode();
    h.put("time", clock.instant().toString());
    h.put("action", "refused");
    h.put("file", file);
    h.put("reason", reason);
    try {
      append(h);
    } catch (IOException e) {
      // The refusal stands; only its record is lost.
    }
  }

  /**
   * Records that a kept version failed verification when it was loaded, scrubbed or checked (its
   * files no longer match its manifest, or break a bundle rule). A history that cannot be written
   * does not change the failure, which the caller reports.
   *
   * @param bundleId the version
   * @param reason one line: what failed
   */
  public void recordVersionFailure(String bundleId, String reason) {
    ObjectNode h = JSON.createObjectNode();
    h.put("time", clock.instant().toString());
    h.put("action", "version-failed");
    h.put("bundleId", bundleId);
    h.put("reason", reason);
    try {
      append(h);
    } catch (IOException e) {
      // The failure stands; only its record is lost.
    }
  }

  /** Appends one line to the history and syncs it. */
  private void append(ObjectNode entry) throws IOException {
    byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve("history.jsonl"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap(line));
      ch.force(true);
    }
  }

  private int prune(int keep, String activeId) throws IOException {
    List<Manifest> versions = versions();
    int pruned = 0;
    for (int i = 0; i < versions.size() - keep; i++) {
      String id = versions.get(i).bundleId();
      if (!id.equals(activeId)) {
        deleteTree(versionDir(id));
        pruned++;
      }
    }
    return pruned;
  }

  /** Removes what an interrupted import left: temporary folders and files. */
  public void cleanLeftovers() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("versions"))) {
      for (Path p : ds) {
        if (p.getFileName().toString().startsWith(TMP_PREFIX)) {
          deleteTree(p);
        }
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Path versionDir(String id) {
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new UsageException("bundle id " + id + " is not a safe folder name");
    }
    return dir.resolve("versions").resolve(id);
  }

  /** Holds DIR/lock for the duration of a change. */
  private final class Lock implements AutoCloseable {
    final FileChannel channel;
    final FileLock lock;

    Lock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    void ensureHeld() {
      if (!lock.isValid()) {
        throw new UsageException("the lock on " + dir + " was lost; run the command again");
      }
    }

    @Override
    public void close() throws IOException {
      lock.release();
      channel.close();
    }
  }

  private Lock lock() throws IOException {
    FileChannel ch =
        FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      ch.close();
      throw new UsageException(
          "another import or rollback is running on "
              + dir
              + " (it holds "
              + dir.resolve("lock")
              + "); wait for it to finish");
    }
    return new Lock(ch, l);
  }

  private static void write(Path p, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** Forces each file to disk, at most 16 at a time; the first failure is thrown. */
  private static void forceAll(List<Path> paths) throws IOException {
    if (paths.isEmpty()) {
      return;
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(16, paths.size()),
            r -> {
              Thread t = new Thread(r, "trustbundle-fsync");
              t.setDaemon(true);
              return t;
            });
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>(paths.size());
      for (Path p : paths) {
        done.add(
            pool.submit(
                () -> {
                  try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.force(true);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while syncing the new version");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void writeDurably(Path p, byte[] data) throws IOException {
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  private void replaceAtomically(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    writeDurably(tmp, data);
    move(tmp, target);
    fsyncDir(target.getParent());
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void syncTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      List<Path> dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
      for (Path d : dirs) {
        fsyncDir(d);
      }
    }
  }

  /** Syncs a folder's entries; a file system that cannot (Windows) is left to its own journal. */
  static void fsyncDir(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Directories cannot be opened for sync on every platform.
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
