package dev.trustbundle.profile;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trustbundle.ctl.Hex;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads a profile from YAML, strictly. */
public final class ProfileParser {
  private static final int MAX_PROFILE_BYTES = 1 << 20;
  private static final int MAX_ITEMS = 10_000;
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ProfileParser() {}

  /**
   * Loads the YAML parser's classes on a spare thread, so that the first real profile does not wait
   * for them; a command line calls this first thing.
   */
  public static void prewarm() {
    try {
      YAML.readValue("name: warm-up\n", RawProfile.class);
    } catch (java.io.IOException | RuntimeException e) {
      // Only a warm-up.
    }
  }

  // Raw shapes, as written in YAML; validated into Profile below.
  static final class RawProfile {
    @JsonProperty(required = true)
    public String name;

    public String description = "";
    public List<RawRoot> roots = List.of();
    public List<RawIntermediate> intermediates = List.of();
    public List<RawCrl> crls = List.of();

    @JsonProperty("validity-days")
    public int validityDays = 30;

    @JsonProperty("grace-days")
    public int graceDays = 90;
  }

  static final class RawRoot {
    public String name;
    public String sha1;
    public String sha256;
    public String url;
  }

  static final class RawIntermediate {
    public String name;
    public String url;
    public String sha256;

    @JsonProperty("chain-to-root")
    public String chainToRoot;

    public String subject;
  }

  static final class RawCrl {
    public String url;
    public String from;
  }

  /**
   * Parses and validates a profile.
   *
   * @param source the file's name, for messages
   * @param yaml the file's bytes
   * @throws ProfileException with the file, line and item when anything is wrong
   */
  public static Profile parse(String source, byte[] yaml) {
    if (yaml.length > MAX_PROFILE_BYTES) {
      throw new ProfileException(source + " is larger than 1 MiB; it is not a profile");
    }
    RawProfile raw;
    try {
      raw = YAML.readValue(yaml, RawProfile.class);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
      throw new ProfileException(
          source
              + " line "
              + e.getLocation().getLineNr()
              + ": unknown key '"
              + e.getPropertyName()
              + "' (allowed here: "
              + known
              + ")");
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? "" : "'" + path(e.getPath()) + "' ";
      throw new ProfileException(
          source
              + (e.getLocation() != null ? " line " + e.getLocation().getLineNr() : "")
              + ": "
              + (yaml.length == 0 || e.getOriginalMessage().contains("end-of-input")
                  ? "the profile is empty"
                  : field + "has the wrong type (expected " + expected(e.getTargetType()) + ")"));
    } catch (JsonProcessingException e) {
      throw new ProfileException(
          source
              + (e.getLocation() != null ? " line " + e.getLocation().getLineNr() : "")
              + ": "
              + dev.trustbundle.error.Messages.plain(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ProfileException(source + ": " + dev.trustbundle.error.Messages.plain(e));
    }
    if (raw == null) {
      throw new ProfileException(source + " is empty");
    }
    return validate(source, raw, Hex.sha256(yaml));
  }

  /** What a field should have been, in YAML's words rather than Java's. */
  private static String expected(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == String.class) {
      return "text";
    }
    if (type == int.class || type == Integer.class) {
      return "a whole number";
    }
    return "a mapping of keys";
  }

  /** A field's place as written: {@code roots[2].sha1}. */
  private static String path(
      List<com.fasterxml.jackson.databind.JsonMappingException.Reference> p) {
    StringBuilder sb = new StringBuilder();
    for (var r : p) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static Profile validate(String src, RawProfile raw, String sha256) {
    if (raw.name == null || !raw.name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new ProfileException(
          src + ": name must be 1 to 64 letters, digits, '.', '_' or '-', found " + raw.name);
    }
    if (raw.validityDays < 1 || raw.validityDays > 3650) {
      throw new ProfileException(src + ": validity-days must be 1 to 3650");
    }
    if (raw.graceDays < 0 || raw.graceDays > 3650) {
      throw new ProfileException(src + ": grace-days must be 0 to 3650");
    }
    List<RawRoot> rawRoots = nonNull(raw.roots);
    List<RawIntermediate> rawInts = nonNull(raw.intermediates);
    List<RawCrl> rawCrls = nonNull(raw.crls);
    if (rawRoots.size() + rawInts.size() + rawCrls.size() > MAX_ITEMS) {
      throw new ProfileException(src + ": more than " + MAX_ITEMS + " items");
    }
    List<Profile.RootItem> roots = new ArrayList<>();
    for (int i = 0; i < rawRoots.size(); i++) {
      RawRoot r = rawRoots.get(i);
      String where = src + ": roots[" + i + "]" + (r.name != null ? " (" + r.name + ")" : "");
      if (r.name == null || r.name.isBlank()) {
        throw new ProfileException(where + ": name is required");
      }
      Optional<String> sha1 = hex(r.sha1, 40, where, "sha1");
      Optional<String> s256 = hex(r.sha256, 64, where, "sha256");
      if (sha1.isEmpty() && s256.isEmpty()) {
        throw new ProfileException(where + ": give sha1 or sha256 of the root");
      }
      Optional<String> url = url(r.url, where);
      if (url.isPresent() && s256.isEmpty()) {
        throw new ProfileException(where + ": a root downloaded from a URL needs a pinned sha256");
      }
      roots.add(new Profile.RootItem(r.name, sha1, s256, url));
    }
    List<Profile.IntermediateItem> ints = new ArrayList<>();
    for (int i = 0; i < rawInts.size(); i++) {
      RawIntermediate r = rawInts.get(i);
      String where =
          src + ": intermediates[" + i + "]" + (r.name != null ? " (" + r.name + ")" : "");
      if (r.name == null || r.name.isBlank()) {
        throw new ProfileException(where + ": name is required");
      }
      Optional<String> url = url(r.url, where);
      if (url.isEmpty()) {
        throw new ProfileException(where + ": url is required (where its issuer publishes it)");
      }
      Optional<String> s256 = hex(r.sha256, 64, where, "sha256");
      boolean chain = r.chainToRoot != null;
      if (chain && !r.chainToRoot.equals("bundle")) {
        throw new ProfileException(where + ": chain-to-root must be 'bundle'");
      }
      if (s256.isEmpty() && !(chain && r.subject != null && !r.subject.isBlank())) {
        throw new ProfileException(
            where
                + ": pin it with sha256, or give chain-to-root: bundle with the required subject");
      }
      ints.add(
          new Profile.IntermediateItem(
              r.name, url.get(), s256, Optional.ofNullable(r.subject).filter(s -> !s.isBlank())));
    }
    List<Profile.CrlItem> crls = new ArrayList<>();
    for (int i = 0; i < rawCrls.size(); i++) {
      RawCrl r = rawCrls.get(i);
      String where = src + ": crls[" + i + "]";
      if ((r.url == null) == (r.from == null)) {
        throw new ProfileException(where + ": give either url or from: cdp");
      }
      if (r.from != null && !r.from.equals("cdp")) {
        throw new ProfileException(where + ": from must be 'cdp', found '" + r.from + "'");
      }
      crls.add(new Profile.CrlItem(url(r.url, where), r.from != null));
    }
    return new Profile(
        raw.name,
        raw.description == null ? "" : raw.description.strip(),
        roots,
        ints,
        crls,
        raw.validityDays,
        raw.graceDays,
        sha256);
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }

  private static Optional<String> hex(String v, int len, String where, String field) {
    if (v == null) {
      return Optional.empty();
    }
    String s = v.replace(":", "").replace(" ", "");
    if (!Hex.isHex(s, len)) {
      throw new ProfileException(where + ": " + field + " must be " + len + " hex digits");
    }
    return Optional.of(s.toUpperCase(Locale.ROOT));
  }

  private static Optional<String> url(String v, String where) {
    if (v == null) {
      return Optional.empty();
    }
    try {
      URI u = new URI(v);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw new ProfileException(where + ": url must be an http or https URL, found " + v);
      }
      return Optional.of(v);
    } catch (URISyntaxException e) {
      throw new ProfileException(where + ": url is not valid: " + e.getReason());
    }
  }
}
