package dev.trustbundle.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.Messages;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Manifest (de)serialisation: pretty, stable, strict on read. */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // One reading only: a key given twice, or bytes after the object, could be read
          // differently by another tool (the signature covers the bytes, not one reading).
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Json() {}

  /** The manifest's bytes as signed and stored. */
  public static byte[] write(Manifest m) {
    try {
      return MAPPER.writeValueAsBytes(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest serialisation failed", e);
    }
  }

  /** Parses a manifest; malformed JSON, unknown fields and unusable values are refused. */
  public static Manifest read(byte[] bytes) {
    Manifest m;
    try {
      m = MAPPER.readValue(bytes, Manifest.class);
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw invalid("unknown field \"" + e.getPropertyName() + "\"", e);
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      throw invalid(Messages.plain(e.getCause() != null ? e.getCause() : e), e);
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(java.util.stream.Collectors.joining("."));
      throw invalid(field.isEmpty() ? "it is not a JSON object" : field + " has the wrong type", e);
    } catch (JsonProcessingException e) {
      throw invalid(
          Messages.plain(e.getOriginalMessage()).replaceAll("\\s*\\(start marker at \\[.*", ""), e);
    } catch (IOException | RuntimeException e) {
      throw invalid(Messages.plain(e), null);
    }
    if (m == null || m.formatVersion() != Manifest.FORMAT_VERSION) {
      throw new MalformedInputException(
          "manifest.json has format version "
              + (m == null ? "none" : m.formatVersion())
              + "; this TrustBundle reads version "
              + Manifest.FORMAT_VERSION);
    }
    checkFields(m);
    return m;
  }

  private static MalformedInputException invalid(String why, JsonProcessingException e) {
    String where =
        e != null && e.getLocation() != null && e.getLocation().getLineNr() > 0
            ? " (line " + e.getLocation().getLineNr() + ")"
            : "";
    return new MalformedInputException("manifest.json is not a valid manifest: " + why + where);
  }

  /**
   * The fields that the verifier, the mirror and the status pages rely on: times that parse, and a
   * path, SHA-256 and role for every file and a kind and path for every list.
   */
  private static void checkFields(Manifest m) {
    time(m.created(), "created");
    time(m.expires(), "expires");
    for (int i = 0; i < m.lists().size(); i++) {
      Manifest.ListInfo l = m.lists().get(i);
      present(l.kind(), "lists[" + i + "].kind");
      present(l.path(), "lists[" + i + "].path");
    }
    for (int i = 0; i < m.files().size(); i++) {
      Manifest.FileInfo f = m.files().get(i);
      present(f.path(), "files[" + i + "].path");
      present(f.sha256(), "files[" + i + "].sha256");
      present(f.role(), "files[" + i + "].role");
    }
  }

  private static void time(String value, String field) {
    present(value, field);
    try {
      Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new MalformedInputException(
          "manifest.json is not a valid manifest: "
              + field
              + " \""
              + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
              + "\" is not an ISO-8601 UTC time such as 2025-07-01T00:00:00Z");
    }
  }

  private static void present(String value, String field) {
    if (value == null) {
      throw new MalformedInputException(
          "manifest.json is not a valid manifest: " + field + " is missing");
    }
  }
}
