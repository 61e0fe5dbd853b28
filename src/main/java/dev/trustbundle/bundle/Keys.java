package dev.trustbundle.bundle;

import dev.trustbundle.error.UsageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Publisher keys: generation, PKCS#12, PEM and any JCA key store. */
public final class Keys {
  // OpenSSL's PEM encryption names ciphers (AES/CBC/PKCS7Padding) that only Bouncy Castle provides;
  // used explicitly, not installed globally.
  private static final java.security.Provider BC =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private Keys() {}

  /** Key algorithms {@code keygen} offers. */
  public enum Algorithm {
    EC_P256("ec-p256"),
    RSA_3072("rsa-3072");

    private final String flag;

    Algorithm(String flag) {
      this.flag = flag;
    }

    public String flag() {
      return flag;
    }

    /** Parses {@code ec-p256} or {@code rsa-3072}. */
    public static Algorithm parse(String s) {
      for (Algorithm a : values()) {
        if (a.flag.equalsIgnoreCase(s)) {
          return a;
        }
      }
      throw new UsageException("--algorithm " + s + " is not ec-p256 or rsa-3072");
    }
  }

  /**
   * A new key and self-signed publisher certificate valid for {@code validity} from {@code now}:
   * not a CA, keyUsage digitalSignature (critical) and the extendedKeyUsage {@link
   * PublisherTrust#BUNDLE_SIGNING_EKU}, as {@link PublisherTrust} requires.
   */
  public static SigningKey generate(Algorithm alg, String subject, Instant now, Duration validity) {
    try {
      KeyPairGenerator g;
      if (alg == Algorithm.EC_P256) {
        g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      } else {
        g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072, new SecureRandom());
      }
      KeyPair kp = g.generateKeyPair();
      X500Name name;
      try {
        name = new X500Name(subject);
        if (name.getRDNs().length == 0) {
          throw new IllegalArgumentException("empty");
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException("--subject " + subject + " is not a distinguished name (CN=...)");
      }
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      serial[0] &= 0x7F;
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(1, serial).max(BigInteger.ONE),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              name,
              kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      // Bundle signing only: the same certificate then also qualifies when a CA issues it instead.
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              KeyPurposeId.getInstance(
                  new ASN1ObjectIdentifier(PublisherTrust.BUNDLE_SIGNING_EKU))));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      String sigAlg = alg == Algorithm.EC_P256 ? "SHA256withECDSA" : "SHA256withRSA";
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate())));
      return new SigningKey(kp.getPrivate(), List.of(cert));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("key generation failed", e);
    } catch (org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("certificate creation failed", e);
    }
  }

  /** A PKCS#12 file holding the key and chain under alias "publisher". */
  public static byte[] toPkcs12(SigningKey k, char[] pass) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("publisher", k.key(), pass, k.chain().toArray(Certificate[]::new));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, pass);
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("PKCS#12 writing failed", e);
    }
  }

  /** Reads a PKCS#12 file; the first key entry is used. */
  public static SigningKey fromPkcs12(byte[] p12, char[] pass, String alias, String source) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(new ByteArrayInputStream(p12), pass);
      return fromKeyStore(ks, alias, pass, source);
    } catch (IOException e) {
      throw new UsageException(
          source
              + " cannot be opened: wrong passphrase or not a PKCS#12 file ("
              + e.getMessage()
              + ")");
    } catch (GeneralSecurityException e) {
      throw new UsageException(source + " cannot be opened: " + e.getMessage());
    }
  }

  /** The key under {@code alias} (or the first key entry) of a loaded key store. */
  public static SigningKey fromKeyStore(KeyStore ks, String alias, char[] pass, String source) {
    try {
      List<String> aliases = new ArrayList<>();
      ks.aliases().asIterator().forEachRemaining(aliases::add);
      String chosen = alias;
      if (chosen == null) {
        chosen = aliases.stream().filter(a -> isKey(ks, a)).findFirst().orElse(null);
      }
      if (chosen == null || !ks.isKeyEntry(chosen)) {
        throw new UsageException(
            source
                + " has no private key"
                + (alias != null ? " under alias " + alias : "")
                + " (aliases: "
                + aliases
                + ")");
      }
      Key key = ks.getKey(chosen, pass);
      Certificate[] chain = ks.getCertificateChain(chosen);
      if (!(key instanceof PrivateKey pk) || chain == null || chain.length == 0) {
        throw new UsageException(source + ": alias " + chosen + " has no key with a certificate");
      }
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : chain) {
        certs.add((X509Certificate) c);
      }
      return checkPair(new SigningKey(pk, certs), source);
    } catch (GeneralSecurityException e) {
      throw new UsageException(source + ": the key cannot be read (" + e.getMessage() + ")");
    }
  }

  private static boolean isKey(KeyStore ks, String a) {
    try {
      return ks.isKeyEntry(a);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A PEM private key (PKCS#8, encrypted PKCS#8 or OpenSSL) and a PEM certificate chain. */
  public static SigningKey fromPem(byte[] keyPem, byte[] certPem, char[] pass, String source) {
    try (PEMParser p =
        new PEMParser(
            new InputStreamReader(new ByteArrayInputStream(keyPem), StandardCharsets.US_ASCII))) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      PrivateKey key;
      if (o instanceof PEMKeyPair kp) {
        key = conv.getKeyPair(kp).getPrivate();
      } else if (o instanceof PEMEncryptedKeyPair ekp) {
        requirePass(pass, source);
        key =
            conv.getKeyPair(
                    ekp.decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pass)))
                .getPrivate();
      } else if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo pki) {
        key = conv.getPrivateKey(pki);
      } else if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
        requirePass(pass, source);
        key =
            conv.getPrivateKey(
                enc.decryptPrivateKeyInfo(
                    new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pass)));
      } else if (o instanceof org.bouncycastle.cert.X509CertificateHolder) {
        throw new UsageException(
            source
                + " holds a certificate, not a private key; give the key file (publisher.p12, or a"
                + " PEM key with --sign-cert)");
      } else {
        throw new UsageException(source + " holds no PEM private key");
      }
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(certPem))) {
        chain.add((X509Certificate) c);
      }
      if (chain.isEmpty()) {
        throw new UsageException("--sign-cert holds no certificate");
      }
      return checkPair(new SigningKey(key, chain), source);
    } catch (IOException | GeneralSecurityException e) {
      throw new UsageException(source + ": the key cannot be read (" + e.getMessage() + ")");
    } catch (org.bouncycastle.operator.OperatorCreationException
        | org.bouncycastle.pkcs.PKCSException e) {
      throw new UsageException(
          source + ": wrong passphrase or damaged key (" + e.getMessage() + ")");
    }
  }

  private static void requirePass(char[] pass, String source) {
    if (pass == null || pass.length == 0) {
      throw new UsageException(source + " is encrypted; give --sign-pass env:VAR or file:PATH");
    }
  }

  /**
   * Refuses a key whose certificate belongs to another key: signs a probe and verifies it with the
   * certificate's public key.
   */
  static SigningKey checkPair(SigningKey k, String source) {
    try {
      String alg = signatureAlgorithm(k.key());
      java.security.Signature s = java.security.Signature.getInstance(alg);
      s.initSign(k.key());
      byte[] probe = "trustbundle key check".getBytes(StandardCharsets.US_ASCII);
      s.update(probe);
      byte[] sig = s.sign();
      java.security.Signature v = java.security.Signature.getInstance(alg);
      v.initVerify(k.certificate().getPublicKey());
      v.update(probe);
      if (v.verify(sig)) {
        return k;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      // falls through to the refusal
    }
    throw new UsageException(
        source
            + ": the private key does not belong to the certificate "
            + k.certificate().getSubjectX500Principal().getName()
            + "; give the matching --sign-cert");
  }

  /** The signature algorithm for a key. */
  static String signatureAlgorithm(PrivateKey key) {
    String a = key.getAlgorithm().toUpperCase(Locale.ROOT);
    return a.equals("EC") || a.equals("ECDSA") ? "SHA256withECDSA" : "SHA256withRSA";
  }
}
