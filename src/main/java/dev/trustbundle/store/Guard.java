package dev.trustbundle.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.ctl.SequenceNumber;
import dev.trustbundle.error.MalformedInputException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rollback guard kept in {@code state.json}: the highest bundle sequence accepted, the bundle
 * that had it, and the highest sequence of each list kind. It only ever rises.
 *
 * @param highestSequence the highest bundle sequence accepted; {@link Long#MIN_VALUE} when none
 * @param highestBundleId the bundle that had it; empty when none
 * @param lists list kind to the highest sequence number accepted, upper-case hex
 */
record Guard(long highestSequence, String highestBundleId, Map<String, SequenceNumber> lists) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Nothing accepted yet. */
  static final Guard NONE = new Guard(Long.MIN_VALUE, "", Map.of());

  Guard {
    if (highestBundleId == null) {
      throw new IllegalArgumentException("highestBundleId is missing");
    }
    lists = Map.copyOf(lists);
  }

  /**
   * Reads {@code state.json} strictly: a guard that is misread would open the way to rollbacks, so
   * any damage is refused with what to do.
   *
   * @param bytes the file's contents
   * @param where the file, for the message
   */
  static Guard parse(byte[] bytes, String where) {
    JsonNode s;
    try {
      s = JSON.readTree(bytes);
    } catch (IOException e) {
      throw damaged(where, "it is not JSON");
    }
    if (s == null || !s.isObject()) {
      throw damaged(where, "it is not a JSON object");
    }
    JsonNode seq = s.get("highestSequence");
    if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong()) {
      throw damaged(where, "highestSequence is not a whole number");
    }
    JsonNode id = s.get("highestBundleId");
    if (id == null || !id.isTextual()) {
      throw damaged(where, "highestBundleId is not a string");
    }
    JsonNode l = s.get("lists");
    if (l == null || !l.isObject()) {
      throw damaged(where, "lists is not an object");
    }
    Map<String, SequenceNumber> lists = new TreeMap<>();
    for (var e : l.properties()) {
      if (!e.getValue().isTextual()) {
        throw damaged(where, "lists." + e.getKey() + " is not a hex string");
      }
      try {
        lists.put(e.getKey(), SequenceNumber.ofHex(e.getValue().asText()));
      } catch (RuntimeException ex) {
        throw damaged(where, "lists." + e.getKey() + " is not a hex sequence number");
      }
    }
    return new Guard(seq.asLong(), id.asText(), lists);
  }

  /** The "state folder damaged" refusal: which file, what is wrong, what to do. */
  static MalformedInputException damaged(String where, String what) {
    return new MalformedInputException(
        "state folder damaged: "
            + where
            + ": "
            + what
            + "; restore the state folder from a backup, or fix or delete that file (see the"
            + " README's state folder section)");
  }

  /** Why this manifest would roll back what the guard holds, or null when it would not. */
  String reasonAgainst(Manifest m) {
    boolean sameBundle = m.sequence() == highestSequence && m.bundleId().equals(highestBundleId);
    if (m.sequence() <= highestSequence && !sameBundle) {
      return "bundle sequence "
          + m.sequence()
          + " is not above the last accepted "
          + highestSequence;
    }
    for (Manifest.ListInfo l : m.lists()) {
      SequenceNumber before = lists.get(l.kind());
      if (before != null
          && l.sequenceNumber() != null
          && SequenceNumber.ofHex(l.sequenceNumber()).compareTo(before) < 0) {
        return "the "
            + l.kind()
            + " list "
            + l.sequenceNumber()
            + " is older than the accepted "
            + before.hex();
      }
    }
    return null;
  }

  /**
   * The guard raised to this bundle; never lowered, so that a deliberate downgrade does not open
   * the way for other old bundles.
   */
  Guard raise(Manifest m) {
    long highest = highestSequence;
    String highestId = highestBundleId;
    if (m.sequence() > highest) {
      highest = m.sequence();
      highestId = m.bundleId();
    }
    Map<String, SequenceNumber> raised = new TreeMap<>(lists);
    for (Manifest.ListInfo l : m.lists()) {
      if (l.sequenceNumber() == null) {
        continue;
      }
      SequenceNumber s = SequenceNumber.ofHex(l.sequenceNumber());
      raised.merge(l.kind(), s, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    return new Guard(highest, highestId, raised);
  }

  /** {@code state.json} as written. */
  byte[] toJson() {
    ObjectNode s = JSON.createObjectNode();
    ObjectNode l = s.putObject("lists");
    lists.forEach((k, v) -> l.put(k, v.hex()));
    s.put("highestSequence", highestSequence);
    s.put("highestBundleId", highestBundleId);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
    } catch (IOException e) {
      throw new IllegalStateException("state.json serialisation failed", e);
    }
  }
}
