package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trustbundle.bundle.BundleContents;
import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.error.TrustBundleException;
import dev.trustbundle.verify.VerifyOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@code manifest.json}: {@link Json#read} either gives a manifest or throws {@link
 * MalformedInputException}. A manifest that reads is then checked against a tiny bundle's files
 * ({@link BundleContents#problems}) and, signed here by a trusted publisher so that the signature
 * check is passed, verified by {@link BundleVerifier} at a fixed time: that ends in a verdict or a
 * {@link TrustBundleException}, never another exception. The seeds describe the tiny bundle
 * exactly, so they verify; mutations probe everything a publisher's manifest could get wrong.
 */
class ManifestFuzzTest {
  private static final SigningKey PUBLISHER =
      Keys.generate(
          Keys.Algorithm.EC_P256,
          "CN=Fuzz Publisher",
          Instant.parse("2025-01-01T00:00:00Z"),
          Duration.ofDays(3650));
  private static final SortedMap<String, byte[]> FILES = FuzzSeeds.bundleFiles();
  private static final BundleVerifier VERIFIER =
      new BundleVerifier(
          List.of(PUBLISHER.certificate()), FuzzSeeds.anchors(), VerifyOptions.DEFAULT);

  @FuzzTest
  @Timeout(value = FuzzSeeds.INPUT_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
  @DictionaryEntries({
    "\"formatVersion\"",
    "\"bundleId\"",
    "\"sequence\"",
    "\"created\"",
    "\"expires\"",
    "\"tool\"",
    "\"profile\"",
    "\"upstream\"",
    "\"lists\"",
    "\"files\"",
    "\"removedRoots\"",
    "\"warnings\"",
    "\"kind\"",
    "\"path\"",
    "\"sequenceNumber\"",
    "\"thisUpdate\"",
    "\"signer\"",
    "\"chain\"",
    "\"anchor\"",
    "\"verified\"",
    "\"size\"",
    "\"sha256\"",
    "\"role\"",
    "\"sourceUrl\"",
    "\"fetchedAt\"",
    "\"etag\"",
    "\"lastModified\"",
    "\"sha1\"",
    "\"friendlyName\"",
    "\"removedSince\"",
    "\"keepUntil\"",
    "\"name\"",
    "\"root\"",
    "\"removed-root\"",
    "\"authroot\"",
    "\"disallowedcert\"",
    "\"pinrules\"",
    "null",
    "true",
    "false",
    "2025-06-30T00:00:00Z"
  })
  void manifestChecks(byte[] data) {
    Manifest m;
    try {
      m = Json.read(data);
    } catch (MalformedInputException refused) {
      return;
    }
    List<String> problems = BundleContents.problems(m, FILES);
    SortedMap<String, byte[]> bundle = new TreeMap<>(FILES);
    bundle.put("manifest.json", data);
    bundle.put("manifest.json.p7s", ManifestSignature.sign(data, PUBLISHER));
    try {
      BundleVerifier.Verified v = VERIFIER.verify(bundle, FuzzSeeds.NOW, data.length % 2 == 0);
      assertThat(problems).isEmpty();
      assertThat(v.filesVerified()).isEqualTo(m.files().size());
    } catch (TrustBundleException refused) {
      // A verdict: the manifest does not describe a bundle that can be trusted.
    }
  }
}
