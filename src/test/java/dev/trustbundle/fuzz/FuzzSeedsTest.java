package dev.trustbundle.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.bundle.Json;
import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.ManifestSignature;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.cab.CabReader;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.SstReader;
import dev.trustbundle.verify.CtlVerifier;
import dev.trustbundle.verify.VerifyOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The committed seed corpora are small, come from {@link FuzzSeeds}, and are valid inputs, so that
 * each fuzz target starts from files that reach its deepest checks.
 */
class FuzzSeedsTest {
  private static final Path INPUTS = Path.of("src/test/resources", FuzzSeeds.PACKAGE_DIR);

  @Test
  void committedSeedsAreTheGeneratedOnesAndSmall() throws IOException {
    for (Map.Entry<String, Map<String, byte[]>> target : FuzzSeeds.seeds().entrySet()) {
      for (String name : target.getValue().keySet()) {
        Path seed = INPUTS.resolve(target.getKey()).resolve(name);
        assertThat(seed).as("run scripts/fuzz --seeds to write the seeds").exists();
        assertThat(Files.size(seed)).isLessThanOrEqualTo(8192);
      }
    }
  }

  @Test
  void cabinetSeedsRead() throws IOException {
    for (byte[] seed : seeds("CabFuzzTestInputs/cabReader")) {
      assertThat(CabReader.read(seed).entries()).isNotEmpty();
    }
  }

  @Test
  void listSeedsVerifyAgainstThePinnedTestRoot() throws IOException {
    CtlVerifier verifier =
        new CtlVerifier(FuzzSeeds.anchors(), FuzzSeeds.anchorSource(), VerifyOptions.DEFAULT);
    for (byte[] seed : seeds("CtlFuzzTestInputs/ctlParserAndVerifier")) {
      var list = CtlParser.parse(seed);
      var v = verifier.verify(list, list.ctl().kind(), FuzzSeeds.NOW);
      assertThat(v.failures()).isEmpty();
      assertThat(v.anchor()).contains("Fuzz Test Root");
    }
  }

  @Test
  void storeSeedReadsItsCertificate() throws IOException {
    for (byte[] seed : seeds("SstFuzzTestInputs/sstReader")) {
      assertThat(SstReader.read(seed)).anySatisfy(e -> assertThat(e.certificate()).isPresent());
    }
  }

  @Test
  void archiveSeedsRead() throws IOException {
    for (byte[] seed : seeds("ArchiveFuzzTestInputs/bundleArchive")) {
      byte[] rest = java.util.Arrays.copyOfRange(seed, 1, seed.length);
      byte[] archive = seed[0] == FuzzSeeds.ARCHIVE_RAW ? rest : FuzzSeeds.gzip(rest);
      assertThat(
              BundleArchive.read(new ByteArrayInputStream(archive), BundleArchive.Limits.DEFAULT))
          .isNotEmpty();
    }
  }

  @Test
  void manifestSeedsVerifyWithTheTinyBundle() throws IOException {
    SigningKey publisher =
        Keys.generate(
            Keys.Algorithm.EC_P256,
            "CN=Fuzz Publisher",
            Instant.parse("2025-01-01T00:00:00Z"),
            Duration.ofDays(3650));
    BundleVerifier verifier =
        new BundleVerifier(
            List.of(publisher.certificate()), FuzzSeeds.anchors(), VerifyOptions.DEFAULT);
    for (byte[] seed : seeds("ManifestFuzzTestInputs/manifestChecks")) {
      SortedMap<String, byte[]> bundle = new TreeMap<>(FuzzSeeds.bundleFiles());
      bundle.put("manifest.json", seed);
      bundle.put("manifest.json.p7s", ManifestSignature.sign(seed, publisher));
      var v = verifier.verify(bundle, FuzzSeeds.NOW, true);
      assertThat(v.filesVerified()).isEqualTo(Json.read(seed).files().size());
      assertThat(v.lists()).hasSize(2).first().asString().startsWith(CtlKind.AUTHROOT.label());
    }
  }

  @Test
  void httpSeedsParse() throws IOException {
    for (byte[] seed : seeds("HttpFuzzTestInputs/responseParser")) {
      assertThat(dev.trustbundle.upstream.HttpParsing.read(seed, HttpFuzzTest.LIMIT).status())
          .isBetween(200, 599);
    }
  }

  private static List<byte[]> seeds(String folder) throws IOException {
    List<byte[]> out = new java.util.ArrayList<>();
    for (String name : FuzzSeeds.seeds().get(folder).keySet()) {
      out.add(Files.readAllBytes(INPUTS.resolve(folder).resolve(name)));
    }
    assertThat(out).isNotEmpty();
    return out;
  }
}
