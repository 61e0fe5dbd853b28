package dev.trustbundle.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;

/** Serialized stores (reference 3.6) and quick self-signed roots for tests. */
public final class TestStores {
  private TestStores() {}

  /** A serialized store: header, then SHA-1 property and certificate element per certificate. */
  public static byte[] sst(List<X509Certificate> certs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, 'C', 'E', 'R', 'T'});
    for (X509Certificate c : certs) {
      byte[] d = CtlBuilder.der(c);
      out.writeBytes(record(3, CtlBuilder.digest("SHA-1", d)));
      out.writeBytes(record(32, d));
    }
    out.writeBytes(new byte[12]);
    return out.toByteArray();
  }

  /** One store record: property ID, encoding type 1, length, value (little-endian). */
  public static byte[] record(int propId, byte[] value) {
    ByteBuffer b = ByteBuffer.allocate(12 + value.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(propId).putInt(1).putInt(value.length).put(value);
    return b.array();
  }

  /** A self-signed EC root (EC keys are quick to make), valid 2015 to 2040. */
  public static X509Certificate ecRoot(String dn) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair k = g.generateKeyPair();
      return TestPki.cert(
          dn,
          k,
          null,
          Instant.parse("2015-01-01T00:00:00Z"),
          Instant.parse("2040-01-01T00:00:00Z"),
          true,
          null,
          "SHA256withECDSA");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
