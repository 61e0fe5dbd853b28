package dev.trustbundle.cli;

import dev.trustbundle.bundle.Keys;
import dev.trustbundle.bundle.PublisherTrust;
import dev.trustbundle.bundle.SigningKey;
import dev.trustbundle.error.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trustbundle keygen}: a publisher key for signing bundles. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Creates a publisher key: DIR/publisher.p12 (key and certificate, passphrase-protected, mode"
          + " 0600) for the connected side and DIR/publisher.crt for the disconnected side."
    })
final class KeygenCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write to.")
  Path out;

  @Option(
      names = "--subject",
      paramLabel = "DN",
      defaultValue = "CN=TrustBundle Publisher",
      description = "Certificate subject (default: ${DEFAULT-VALUE}).")
  String subject;

  @Option(
      names = "--algorithm",
      paramLabel = "ALG",
      defaultValue = "ec-p256",
      description = "ec-p256 (default) or rsa-3072.")
  String algorithm;

  @Option(
      names = "--valid-days",
      paramLabel = "DAYS",
      defaultValue = "1825",
      description = "Certificate validity (default: ${DEFAULT-VALUE}).")
  int validDays;

  @Option(
      names = "--valid-from",
      paramLabel = "TIME",
      description =
          "Start of the certificate's validity, as for --at elsewhere (default: now); for"
              + " reproducible test and benchmark keys that sign bundles built with --at.")
  String validFrom;

  @Option(
      names = "--pass",
      paramLabel = "env:VAR|file:PATH",
      description = "Passphrase source; without it the passphrase is asked on the terminal.")
  String pass;

  @Override
  public Integer call() {
    Keys.Algorithm alg = Keys.Algorithm.parse(algorithm);
    if (validDays < 1 || validDays > 36500) {
      throw new UsageException("--valid-days must be 1 to 36500");
    }
    Path p12 = out.resolve("publisher.p12");
    Path crt = out.resolve("publisher.crt");
    if (Files.exists(p12) || Files.exists(crt)) {
      throw new UsageException(
          out + " already holds a publisher key; move it away first (it is not overwritten)");
    }
    char[] passphrase =
        pass != null
            ? Secrets.resolve(pass, "--pass")
            : Secrets.ask("Passphrase for publisher.p12", true, "--pass");
    if (passphrase.length == 0) {
      throw new UsageException("the passphrase is empty");
    }
    SigningKey key = Keys.generate(alg, subject, Inputs.now(validFrom), Duration.ofDays(validDays));
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UsageException("--out " + out + " cannot be created (" + e.getMessage() + ")");
    }
    byte[] pkcs12 = Keys.toPkcs12(key, passphrase);
    String pem;
    try {
      pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(key.certificate().getEncoded())
              + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    Outputs.atomicWrite(p12, o -> o.write(pkcs12), true);
    Outputs.atomicWrite(crt, o -> o.write(pem.getBytes(StandardCharsets.US_ASCII)), false);
    var w = spec.commandLine().getOut();
    w.println("wrote " + p12 + " (private key; keep it on the connected side)");
    w.println(
        "wrote " + crt + " (give this to the disconnected side, which checks bundles against it)");
    w.println(
        "  subject "
            + key.certificate().getSubjectX500Principal().getName()
            + ", "
            + alg.flag()
            + ", valid until "
            + key.certificate().getNotAfter().toInstant()
            + ", extendedKeyUsage TrustBundle bundle signing "
            + PublisherTrust.BUNDLE_SIGNING_EKU);
    w.flush();
    return ExitCodes.OK;
  }
}
