package dev.trustbundle.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.error.VerificationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * DIR/versions/&lt;bundle id&gt;/    a complete, verified bundle tree (mirror/, extra/, crl/, manifest)
 * DIR/versions/.incoming-*       a version being written (removed on the next run)
 * DIR/versions/.deleting-*       a version being pruned (removed on the next run)
 * DIR/state.json                 the highest bundle and list sequences accepted (rollback guard)
 * DIR/active.json                which version is served; replaced atomically
 * DIR/history.jsonl              every import, rollback and refusal with its evidence
 * DIR/lock                       held while the state changes
 * </pre>
 *
 * An import writes the version under a temporary name, syncs every file and folder, renames it into
 * place, then raises the guard ({@code state.json}), and only then switches {@code active.json}:
 * whenever a version is active, the guard has already been raised to it. A crash or I/O error at
 * any point leaves the previous version active (with the guard perhaps raised) or the new one
 * active with the guard raised; leftovers are removed on the next run. A version is pruned by
 * renaming it to a {@code .deleting-} name first, so that a half-deleted version is never listed. A
 * version is listed, rolled back to, exported or reported healthy only when it verifies as it is on
 * disk now (see {@link #verifyVersion}).
 */
public final class StateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TMP_PREFIX = ".incoming-";
  private static final String DELETING_PREFIX = ".deleting-";
  private static final String REPLACED_PREFIX = ".replaced-";

  /** The files against the manifest, no bundle rules: for bytes the verifier has just checked. */
  private static final VersionCheck.Rules INTEGRITY_ONLY = (m, files, now) -> List.of();

  private final Path dir;
  private final VersionCheck.Rules rules;
  private final Durable durable;
  private final History history;
  // History and activation times are real times, whatever --at evaluated the bundle at.
  private final Clock clock = Clock.systemUTC();

  /** A store in {@code dir}, created if missing. */
  public StateStore(Path dir) {
    this(dir, VersionCheck.Rules.BUNDLE_CHECK, Durable.Faults.NONE);
  }

  /**
   * An existing state folder, for the commands that only read it or change what it holds (status,
   * rollback, export, check): a folder that is not one is refused, not turned into one.
   *
   * @throws UsageException when {@code dir} has no {@code versions/} folder
   */
  public static StateStore existing(Path dir) {
    if (!Files.isDirectory(dir.resolve("versions"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException(
          "--state "
              + dir
              + " is not a state folder (it has no versions/ folder); give the folder import"
              + " wrote, or import a bundle into it first");
    }
    return new StateStore(dir);
  }

  /** A store with other bundle rules and a fault seam: for the store's own tests. */
  StateStore(Path dir, VersionCheck.Rules rules, Durable.Faults faults) {
    this.dir = dir;
    this.rules = rules;
    this.durable = new Durable(faults);
    this.history = new History(dir.resolve("history.jsonl"));
    try {
      Files.createDirectories(dir.resolve("versions"));
    } catch (IOException e) {
      throw new UsageException("--state " + dir + " cannot be created (" + e.getMessage() + ")");
    }
    restoreSetAside();
  }

  /**
   * Brings back a version set aside for a replacement that never arrived (a crash between the two
   * renames of a re-import), whatever command runs next, serve included: active.json then names a
   * folder that exists again.
   */
  private void restoreSetAside() {
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(dir.resolve("versions"), REPLACED_PREFIX + "*")) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.length() <= REPLACED_PREFIX.length() + 37) {
          continue;
        }
        String id = name.substring(REPLACED_PREFIX.length(), name.length() - 37);
        Path back = dir.resolve("versions").resolve(id);
        if (id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
            && !Files.exists(back, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(p, back, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Left for cleanLeftovers under the lock; nothing is lost.
    }
  }

  public Path dir() {
    return dir;
  }

  /** The durable-write routine, with this store's fault seam. */
  Durable durable() {
    return durable;
  }

  /**
   * The active version.
   *
   * @param id the bundle id
   * @param path its folder
   * @param manifest its manifest
   * @param activatedAt when it became active
   */
  public record Active(String id, Path path, Manifest manifest, String activatedAt) {
    /**
     * The Last-Modified of every file of this version, in serve and in the web servers an export
     * feeds alike: when it was activated (always later than the activation before it), or the
     * bundle's creation for a pointer that does not say.
     */
    public Instant lastModified() {
      try {
        return Instant.parse(activatedAt).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      } catch (RuntimeException e) {
        return Instant.parse(manifest.created());
      }
    }
  }

  /**
   * A version kept in the state folder, as it is on disk now.
   *
   * @param id its folder's name
   * @param manifest its manifest, or null when that cannot be read
   * @param problems why it must not be served, rolled back to or exported; empty when it may
   */
  public record Kept(String id, Manifest manifest, List<String> problems) {
    public Kept {
      problems = List.copyOf(problems);
    }

    /** Whether it verifies. */
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  /**
   * Reads {@code state.json} and {@code active.json} strictly, so that a damaged state folder is
   * refused with what to do before any work is done.
   */
  public void checkState() {
    guard();
    activePointer();
  }

  /** The id {@code active.json} names, if any; a damaged pointer is refused. */
  public Optional<String> activeId() {
    return activePointer().map(p -> p.path("id").asText());
  }

  /** The version being served, if any. */
  public Optional<Active> active() {
    Optional<JsonNode> pointer = activePointer();
    if (pointer.isEmpty()) {
      return Optional.empty();
    }
    String id = pointer.get().path("id").asText();
    Path version = versionDir(id);
    try {
      Manifest m = Json.read(Files.readAllBytes(version.resolve("manifest.json")));
      return Optional.of(new Active(id, version, m, pointer.get().path("activatedAt").asText("")));
    } catch (IOException | RuntimeException e) {
      throw new VerificationException(
          "active.json points to version "
              + id
              + ", which cannot be read ("
              + dev.trustbundle.error.Messages.plain(e)
              + "); run trustbundle rollback --state "
              + dir
              + " --to ID");
    }
  }

  private Optional<JsonNode> activePointer() {
    Path pointer = dir.resolve("active.json");
    if (!Files.exists(pointer, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    JsonNode n;
    try {
      n = JSON.readTree(VersionCheck.read(pointer, 64 << 10));
    } catch (IOException | RuntimeException e) {
      throw Guard.damaged(pointer.toString(), "it is not a small JSON file");
    }
    if (n == null || !n.isObject() || !n.path("id").isTextual() || !safeId(n.path("id").asText())) {
      throw Guard.damaged(pointer.toString(), "it does not name a version by a safe id");
    }
    return Optional.of(n);
  }

  /**
   * Verifies a kept version as it is on disk now: complete, every file matching the manifest's size
   * and SHA-256, nothing unlisted, and the bundle rules of {@code BundleCheck}.
   *
   * @return the problems, the file named first in each; empty when the version may be used
   */
  public List<String> verifyVersion(String id) {
    return verifyVersion(id, clock.instant());
  }

  /** As {@link #verifyVersion(String)}, evaluated at {@code now}. */
  public List<String> verifyVersion(String id, Instant now) {
    return VersionCheck.check(id, versionDir(id), rules, now).problems();
  }

  /** Every version folder, checked, oldest first by sequence (unreadable ones first). */
  public List<Kept> kept(Instant now) {
    List<Kept> out = new ArrayList<>();
    for (String id : versionIds()) {
      VersionCheck.Result r = VersionCheck.check(id, versionDir(id), rules, now);
      out.add(new Kept(id, r.manifest(), r.problems()));
    }
    out.sort(
        Comparator.comparingLong(
            (Kept k) -> k.manifest() == null ? Long.MIN_VALUE : k.manifest().sequence()));
    return out;
  }

  /** The versions that verify, oldest first by their sequence. */
  public List<Manifest> versions() {
    return kept(clock.instant()).stream().filter(Kept::valid).map(Kept::manifest).toList();
  }

  /** The history, oldest first; lines a crash cut are skipped. */
  public List<JsonNode> history() {
    try {
      return history.read();
    } catch (IOException e) {
      throw new UsageException(dir.resolve("history.jsonl") + " cannot be read: " + e.getMessage());
    }
  }

  /** What an import did. */
  public record Imported(BundleVerifier.Verified evidence, boolean downgrade, int pruned) {}

  /**
   * Imports a verified bundle: refuses rollbacks, extracts it durably, raises the guard, activates
   * it atomically, records it, and keeps the newest {@code keep} versions.
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
      Guard guard = effectiveGuard();
      String reason = guard.reasonAgainst(m);
      if (reason != null && !allowDowngrade) {
        record("refused", m, evidence, clock.instant(), reason, now);
        throw new VerificationException(
            reason + "; refusing a rollback (pass --allow-downgrade to roll back deliberately)");
      }
      placeVersion(m.bundleId(), files);
      // The guard rises before the switch: a version is never active with the guard below it.
      durable.replace(dir.resolve("state.json"), guard.raise(m).toJson());
      Instant at = clock.instant();
      // The verifier ran the bundle rules over these very bytes: on disk, they must match.
      activate(m.bundleId(), at, INTEGRITY_ONLY);
      record(reason != null ? "downgrade" : "import", m, evidence, at, reason, now);
      int pruned = prune(keep, m.bundleId());
      return new Imported(evidence, reason != null, pruned);
    } catch (IOException e) {
      throw new UsageException("the state folder " + dir + " cannot be written: " + e.getMessage());
    }
  }

  /**
   * The guard in {@code state.json}, raised to the active version: a folder left by an earlier
   * release between its switch and its guard update still refuses bundles older than the one
   * served.
   */
  private Guard effectiveGuard() {
    Guard g = guard();
    Optional<String> id = activeId();
    if (id.isPresent()) {
      try {
        byte[] raw = VersionCheck.read(versionDir(id.get()).resolve("manifest.json"), 16L << 20);
        if (raw != null) {
          g = g.raise(Json.read(raw));
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable active version raises nothing; state.json still holds.
      }
    }
    return g;
  }

  private Guard guard() {
    Path p = dir.resolve("state.json");
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return Guard.NONE;
    }
    byte[] raw;
    try {
      raw = VersionCheck.read(p, 1L << 20);
    } catch (IOException e) {
      throw Guard.damaged(p.toString(), "it cannot be read (" + e.getMessage() + ")");
    }
    if (raw == null) {
      throw Guard.damaged(p.toString(), "it is not a regular file");
    }
    return Guard.parse(raw, p.toString());
  }

  /**
   * Puts the version's files in place under {@code versions/<id>}: written under a temporary name
   * and synced, then renamed. A folder already there is reused only if it holds exactly these
   * files; otherwise it is set aside and written again.
   */
  private void placeVersion(String id, SortedMap<String, byte[]> files) throws IOException {
    Path target = versionDir(id);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      byte[] onDisk = VersionCheck.read(target.resolve("manifest.json"), 16L << 20);
      boolean same =
          onDisk != null
              && Arrays.equals(onDisk, files.get("manifest.json"))
              && VersionCheck.check(id, target, INTEGRITY_ONLY, clock.instant()).valid();
      if (same) {
        return;
      }
    }
    Path versions = dir.resolve("versions");
    Path tmp = versions.resolve(TMP_PREFIX + UUID.randomUUID());
    List<Path> written = new ArrayList<>(files.size());
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path p = VersionCheck.resolve(tmp, e.getKey());
      if (p == null) {
        throw new VerificationException("unsafe path " + e.getKey() + " in the bundle");
      }
      Files.createDirectories(p.getParent());
      Durable.write(p, e.getValue());
      written.add(p);
    }
    // Every file reaches the disk before the version is renamed into place; the syncs run side
    // by side, so that the file system can commit them together (one by one, a full mirror's 500
    // files cost seconds of waiting on the disk).
    Durable.forceAll(written);
    Durable.syncTree(tmp);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      // The folder active.json may name is never removed before its replacement is in place: it
      // is set aside under a name the next run restores if the replacement never arrived.
      Path aside = versions.resolve(REPLACED_PREFIX + id + "-" + UUID.randomUUID());
      durable.rename("set aside " + id, target, aside);
      durable.rename("version " + id, tmp, target);
      Durable.deleteTree(aside);
    } else {
      durable.rename("version " + id, tmp, target);
    }
  }

  /** Makes a kept version active again; with no id, the one before the active one. */
  public Manifest rollback(Optional<String> id) {
    checkState();
    try (Lock lock = lock()) {
      lock.ensureHeld();
      cleanLeftovers();
      List<Kept> kept = kept(clock.instant());
      List<Manifest> good = kept.stream().filter(Kept::valid).map(Kept::manifest).toList();
      Optional<String> activeId = activeId();
      Manifest target;
      if (id.isPresent()) {
        target = chosen(id.get(), kept, good);
      } else {
        long current =
            kept.stream()
                .filter(k -> k.manifest() != null && activeId.equals(Optional.of(k.id())))
                .mapToLong(k -> k.manifest().sequence())
                .findFirst()
                .orElse(Long.MAX_VALUE);
        Optional<Manifest> older =
            good.stream().filter(v -> v.sequence() < current).reduce((a, b) -> b);
        if (older.isEmpty()) {
          // Older versions that fail are named and recorded, as with --to.
          Optional<Kept> damaged =
              kept.stream()
                  .filter(k -> !k.valid() && k.manifest() != null)
                  .filter(k -> k.manifest().sequence() < current)
                  .reduce((a, b) -> b);
          if (damaged.isPresent()) {
            chosen(damaged.get().id(), kept, good);
          }
          throw new UsageException("there is no older version to roll back to in " + dir);
        }
        target = older.get();
      }
      Instant at = clock.instant();
      activate(target.bundleId(), at, rules);
      ObjectNode h = JSON.createObjectNode();
      h.put("time", at.toString());
      h.put("action", "rollback");
      h.put("bundleId", target.bundleId());
      h.put("sequence", target.sequence());
      h.put("from", activeId.orElse(null));
      history.append(h);
      return target;
    } catch (IOException e) {
      throw new UsageException("the state folder " + dir + " cannot be written: " + e.getMessage());
    }
  }

  private Manifest chosen(String id, List<Kept> kept, List<Manifest> good) {
    for (Kept k : kept) {
      if (k.id().equals(id) && !k.valid()) {
        recordVersionFailure(id, k.problems().get(0));
        throw new VerificationException(
            "version "
                + id
                + " fails verification and cannot be activated: "
                + summary(k.problems())
                + "; import its bundle again");
      }
    }
    return good.stream()
        .filter(v -> v.bundleId().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new UsageException(
                    "no version "
                        + id
                        + " in "
                        + dir
                        + " (kept: "
                        + good.stream().map(Manifest::bundleId).toList()
                        + ")"));
  }

  /** The first problem, and how many more. */
  public static String summary(List<String> problems) {
    return problems.get(0)
        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
  }

  /** Switches {@code active.json} to a version that verifies on disk now. */
  private void activate(String id, Instant now, VersionCheck.Rules check) throws IOException {
    List<String> problems = VersionCheck.check(id, versionDir(id), check, now).problems();
    if (!problems.isEmpty()) {
      throw new VerificationException(
          "version " + id + " fails verification and cannot be activated: " + summary(problems));
    }
    ObjectNode a = JSON.createObjectNode();
    a.put("id", id);
    a.put("activatedAt", activationTime(now).toString());
    durable.replace(dir.resolve("active.json"), JSON.writeValueAsBytes(a));
  }

  /**
   * The activation time to record: now to the second, but always after the previous activation,
   * even when the clock went back. It is every served file's Last-Modified (serve and export), so a
   * file whose bytes change with a new activation never gets an older date (RFC 9110 8.8.2).
   */
  private Instant activationTime(Instant now) {
    Instant at = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    try {
      Optional<Active> before = active();
      if (before.isPresent() && !before.get().activatedAt().isEmpty()) {
        Instant prev = Instant.parse(before.get().activatedAt());
        if (!at.isAfter(prev)) {
          at = prev.plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        }
      }
    } catch (RuntimeException e) {
      // No readable previous activation: now it is.
    }
    return at;
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
    history.append(h);
  }

  /**
   * Records a bundle refused before it could be read or verified; the refusal itself is reported by
   * the caller. A history that cannot be written does not change the refusal.
   */
  public void recordRefusal(String file, String reason) {
    recordQuietly("refused", "file", file, reason);
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
    recordQuietly("version-failed", "bundleId", bundleId, reason);
  }

  /** One history line about a refusal or failure the caller reports; its loss changes nothing. */
  private void recordQuietly(String action, String field, String value, String reason) {
    ObjectNode h = JSON.createObjectNode();
    h.put("time", clock.instant().toString());
    h.put("action", action);
    h.put(field, value);
    h.put("reason", reason);
    try {
      history.append(h);
    } catch (IOException e) {
      // The refusal or failure stands; only its record is lost.
    }
  }

  /**
   * Keeps the newest {@code keep} versions (and the active one); folders without a readable
   * manifest, which cannot be used, go too.
   */
  private int prune(int keep, String activeId) throws IOException {
    List<Manifest> readable = new ArrayList<>();
    int pruned = 0;
    for (String id : versionIds()) {
      Manifest m = null;
      try {
        byte[] raw = VersionCheck.read(versionDir(id).resolve("manifest.json"), 16L << 20);
        m = raw == null ? null : Json.read(raw);
      } catch (IOException | RuntimeException e) {
        m = null;
      }
      if (m != null && m.bundleId().equals(id)) {
        readable.add(m);
      } else if (!id.equals(activeId)) {
        remove(id);
        pruned++;
      }
    }
    readable.sort(Comparator.comparingLong(Manifest::sequence));
    for (int i = 0; i < readable.size() - keep; i++) {
      String id = readable.get(i).bundleId();
      if (!id.equals(activeId)) {
        remove(id);
        pruned++;
      }
    }
    return pruned;
  }

  /**
   * Removes a version: renamed to a {@code .deleting-} name in one step, so that it is never seen
   * half-deleted, then deleted; {@link #cleanLeftovers} finishes an interrupted delete.
   */
  private void remove(String id) throws IOException {
    Path doomed = dir.resolve("versions").resolve(DELETING_PREFIX + id + "-" + UUID.randomUUID());
    durable.rename("prune " + id, versionDir(id), doomed);
    Durable.deleteTree(doomed);
  }

  /** Removes what an interrupted import or prune left: temporary and half-deleted folders. */
  public void cleanLeftovers() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("versions"))) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(REPLACED_PREFIX)) {
          // A version set aside for a replacement that never arrived comes back; one whose
          // replacement is in place goes.
          String id = name.substring(REPLACED_PREFIX.length(), name.length() - 37);
          Path back = dir.resolve("versions").resolve(id);
          if (!Files.exists(back, LinkOption.NOFOLLOW_LINKS)
              && id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            Files.move(p, back, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          } else {
            Durable.deleteTree(p);
          }
        } else if (name.startsWith(TMP_PREFIX) || name.startsWith(DELETING_PREFIX)) {
          Durable.deleteTree(p);
        }
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The names of the version folders (not the temporary or half-deleted ones). */
  private List<String> versionIds() {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("versions"))) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (safeId(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(name);
        }
      }
    } catch (IOException e) {
      throw new UsageException(dir + "/versions cannot be listed: " + e.getMessage());
    }
    out.sort(null);
    return out;
  }

  private static boolean safeId(String id) {
    return id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  }

  /** The folder of a version; the id names a folder, so it must be a safe name. */
  Path versionDir(String id) {
    if (!safeId(id)) {
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
}
