package dev.trustbundle.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trustbundle.error.MalformedInputException;
import java.io.IOException;

/** Manifest (de)serialisation: pretty, stable, strict on read. */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private Json() {}

  /** The manifest's bytes as signed and stored. */
  public static byte[] write(Manifest m) {
    try {
      return MAPPER.writeValueAsBytes(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest serialisation failed", e);
    }
  }

  /** Parses a manifest; malformed JSON or unknown fields are refused. */
  public static Manifest read(byte[] bytes) {
    try {
      Manifest m = MAPPER.readValue(bytes, Manifest.class);
      if (m == null || m.formatVersion() != Manifest.FORMAT_VERSION) {
        throw new MalformedInputException(
            "manifest.json has format version "
                + (m == null ? "none" : m.formatVersion())
                + "; this TrustBundle reads version "
                + Manifest.FORMAT_VERSION);
      }
      return m;
    } catch (IOException | RuntimeException e) {
      if (e instanceof MalformedInputException me) {
        throw me;
      }
      throw new MalformedInputException(
          "manifest.json is not a valid manifest: " + e.getMessage().replaceAll("\\s+", " "));
    }
  }
}
