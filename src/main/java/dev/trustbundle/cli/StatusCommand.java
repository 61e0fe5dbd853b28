package dev.trustbundle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.store.StateStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle status}: what a state folder serves. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Shows the active bundle, its lists and age, the versions kept, recent history. The active"
          + " version and every kept one are verified as they are on disk now: each file against"
          + " the manifest's size and SHA-256, nothing unlisted, and the bundle rules."
    },
    footer = {
      "Exits 0 when the active bundle verifies and has not expired; 1 when there is no active"
          + " bundle, it has expired, or it fails verification (the report names the file and"
          + " why); 3 when the state folder is damaged (state.json or active.json cannot be"
          + " read)."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder.")
  Path state;

  @Option(names = "--at", paramLabel = "TIME", description = "Evaluate as of this time.")
  String at;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() {
    if (!Files.isDirectory(state)) {
      throw new dev.trustbundle.error.UsageException("--state " + state + " is not a folder");
    }
    Instant now = Inputs.now(at);
    StateStore store = StateStore.existing(state);
    store.checkState();
    Optional<String> activeId = store.activeId();
    List<String> problems = activeId.map(id -> store.verifyVersion(id, now)).orElse(List.of());
    Optional<StateStore.Active> active = problems.isEmpty() ? store.active() : Optional.empty();
    List<StateStore.Kept> kept = store.kept(now);
    List<String> versions =
        kept.stream().filter(StateStore.Kept::valid).map(StateStore.Kept::id).toList();
    List<StateStore.Kept> damaged = kept.stream().filter(k -> !k.valid()).toList();
    List<JsonNode> history = store.history();
    List<JsonNode> recent = history.subList(Math.max(0, history.size() - 10), history.size());
    boolean expired =
        active.map(a -> Instant.parse(a.manifest().expires()).isBefore(now)).orElse(true);
    boolean healthy = !expired && problems.isEmpty();
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode o = mapper.createObjectNode();
      o.put("state", state.toString());
      o.put("healthy", healthy);
      activeId.ifPresent(id -> o.put("activeId", id));
      o.set("activeProblems", mapper.valueToTree(problems));
      active.ifPresent(
          a -> {
            ObjectNode n = o.putObject("active");
            n.put("bundleId", a.id());
            n.put("sequence", a.manifest().sequence());
            n.put("created", a.manifest().created());
            n.put("expires", a.manifest().expires());
            n.put("activatedAt", a.activatedAt());
            n.put("ageDays", Duration.between(Instant.parse(a.manifest().created()), now).toDays());
            n.put(
                "expiresInDays",
                Duration.between(now, Instant.parse(a.manifest().expires())).toDays());
            n.put("expired", expired);
            n.set("lists", mapper.valueToTree(a.manifest().lists()));
          });
      o.set("versions", mapper.valueToTree(versions));
      ObjectNode bad = o.putObject("damaged");
      damaged.forEach(k -> bad.put(k.id(), k.problems().get(0)));
      o.set("history", mapper.valueToTree(recent));
      w.println(o);
    } else {
      w.println("state " + state);
      if (!problems.isEmpty()) {
        w.printf(
            "  %-12s %s FAILS VERIFICATION: %s; roll back or import the bundle again%n",
            "active", activeId.get(), Main.oneLine(StateStore.summary(problems)));
      } else if (active.isEmpty()) {
        w.println("  active       none: import a bundle first");
      } else {
        StateStore.Active a = active.get();
        Manifest m = a.manifest();
        w.printf(
            "  %-12s %s, sequence %d, activated %s%n",
            "active", a.id(), m.sequence(), a.activatedAt());
        w.printf(
            "  %-12s created %s (%d days ago), expires %s%s%n",
            "age",
            m.created(),
            Duration.between(Instant.parse(m.created()), now).toDays(),
            m.expires(),
            expired ? " - EXPIRED: import a new bundle" : "");
        for (Manifest.ListInfo l : m.lists()) {
          w.printf(
              "  %-12s %s %s, thisUpdate %s%n",
              "list", l.kind(), l.sequenceNumber(), l.thisUpdate());
        }
      }
      w.printf("  %-12s %s%n", "versions", versions);
      for (StateStore.Kept k : damaged) {
        w.printf(
            "  %-12s %s: %s%n", "damaged", k.id(), Main.oneLine(StateStore.summary(k.problems())));
      }
      for (JsonNode h : recent) {
        w.printf(
            "  %-12s %s %s %s%s%n",
            "history",
            h.path("time").asText(),
            h.path("action").asText(),
            h.path("bundleId").asText(h.path("file").asText("")),
            h.has("reason") ? " (" + Main.oneLine(h.path("reason").asText()) + ")" : "");
      }
    }
    w.flush();
    return healthy ? ExitCodes.OK : ExitCodes.INVALID;
  }
}
