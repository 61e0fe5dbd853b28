package dev.trustbundle.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustbundle.error.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {
  static Manifest manifest() {
    return new Manifest(
        Manifest.FORMAT_VERSION,
        "b-1",
        3,
        "2025-06-30T00:00:00Z",
        "2025-07-30T00:00:00Z",
        "trustbundle test",
        new Manifest.ProfileRef("p", "00"),
        "http://upstream.example/",
        List.of(
            new Manifest.ListInfo(
                "authroot",
                "mirror/authrootstl.cab",
                "01",
                "2025-06-01T00:00:00Z",
                "s",
                List.of(),
                "a",
                true,
                List.of())),
        List.of(
            new Manifest.FileInfo(
                "mirror/authrootstl.cab", 1, "AB".repeat(32), "list", null, null, null, null)),
        List.of(),
        List.of());
  }

  static String text() {
    return new String(Json.write(manifest()), StandardCharsets.UTF_8);
  }

  @Test
  void readsWhatItWrites() {
    assertThat(Json.read(Json.write(manifest()))).isEqualTo(manifest());
  }

  // Found by ManifestFuzzTest: a manifest with a time that does not parse, or without a file's
  // path, hash or role, read fine and then failed in the verifier with an exception of the JDK.
  @Test
  void refusesManifestsWithoutTheFieldsReadersNeed() {
    String[][] cases = {
      {
        "\"expires\" : \"2025-07-30T00:00:00Z\"",
        "\"expires\" : \"2025-07-31T00:00:00Q\"",
        "2025-07-31T00:00:00Q"
      },
      {"\"created\" : \"2025-06-30T00:00:00Z\"", "\"created\" : null", "created"},
      {"\"role\" : \"list\"", "\"role\" : null", "role"},
      {"\"path\" : \"mirror/authrootstl.cab\",\n    \"size\"", "\"size\"", "path"},
      {"\"sha256\" : \"ABAB", "\"sha257\" : \"ABAB", "sha25"},
      {"\"kind\" : \"authroot\"", "\"kind\" : null", "kind"}
    };
    String good = text();
    for (String[] c : cases) {
      assertThat(good).contains(c[0]);
      byte[] bad = good.replace(c[0], c[1]).getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> Json.read(bad))
          .isInstanceOf(MalformedInputException.class)
          .hasMessageStartingWith("manifest.json is not a valid manifest: ")
          .hasMessageContaining(c[2])
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void refusesAbsurdSequencesAndValidities() {
    String[][] cases = {
      {"\"sequence\" : 3", "\"sequence\" : 9223372036854775807", "sequence 9223372036854775807"},
      {"\"sequence\" : 3", "\"sequence\" : 0", "sequence 0 is not between 1"},
      {"\"sequence\" : 3", "\"sequence\" : -5", "sequence -5"},
      // 2025-06-30 in epoch seconds plus 366 days and one second.
      {"\"sequence\" : 3", "\"sequence\" : 1782864001", "would freeze"},
      {
        "\"expires\" : \"2025-07-30T00:00:00Z\"",
        "\"expires\" : \"2225-07-30T00:00:00Z\"",
        "more than 3650 days after created"
      },
      {
        "\"expires\" : \"2025-07-30T00:00:00Z\"",
        "\"expires\" : \"2025-06-29T00:00:00Z\"",
        "is before created"
      },
    };
    String good = text();
    for (String[] c : cases) {
      assertThat(good).contains(c[0]);
      byte[] bad = good.replace(c[0], c[1]).getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> Json.read(bad))
          .as(c[1])
          .isInstanceOf(MalformedInputException.class)
          .hasMessageStartingWith("manifest.json is not a valid manifest: ")
          .hasMessageContaining(c[2])
          .hasMessageNotContaining("\n");
    }
    // The edges are accepted: created plus 366 days as sequence, created plus 3650 days.
    String edge =
        good.replace("\"sequence\" : 3", "\"sequence\" : 1782864000")
            .replace("2025-07-30T00:00:00Z", "2035-06-28T00:00:00Z");
    assertThat(Json.read(edge.getBytes(StandardCharsets.UTF_8)).sequence()).isEqualTo(1782864000L);
  }
}
