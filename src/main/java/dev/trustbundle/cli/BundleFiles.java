package dev.trustbundle.cli;

import dev.trustbundle.bundle.BundleArchive;
import dev.trustbundle.bundle.BundleVerifier;
import dev.trustbundle.ctl.CtlFormatException;
import dev.trustbundle.error.UsageException;
import dev.trustbundle.verify.TrustAnchors;
import dev.trustbundle.verify.VerifyOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.SortedMap;

/** Reading a bundle and the trusted publisher for verify and import. */
final class BundleFiles {
  private BundleFiles() {}

  static SortedMap<String, byte[]> read(Path bundle) {
    if (Files.isDirectory(bundle) || (Files.exists(bundle) && !Files.isRegularFile(bundle))) {
      throw new UsageException(bundle + " is not a regular file; name the bundle .tar.gz");
    }
    try (InputStream in = Files.newInputStream(bundle)) {
      return BundleArchive.read(in, BundleArchive.Limits.DEFAULT);
    } catch (NoSuchFileException e) {
      throw new UsageException(bundle + ": no such file");
    } catch (IOException e) {
      throw new UsageException(bundle + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  static BundleVerifier verifier(Path trust) {
    List<X509Certificate> trusted;
    try {
      trusted = BundleVerifier.trustedFrom(Inputs.read(trust), trust.toString());
    } catch (CtlFormatException e) {
      throw new UsageException("--trust " + trust + ": " + e.getMessage());
    } catch (UsageException e) {
      throw new UsageException("--trust " + e.getMessage());
    }
    return new BundleVerifier(trusted, TrustAnchors.microsoft(), VerifyOptions.DEFAULT);
  }
}
