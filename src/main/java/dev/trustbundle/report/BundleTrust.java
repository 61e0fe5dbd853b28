package dev.trustbundle.report;

import dev.trustbundle.bundle.Manifest;
import dev.trustbundle.cab.CabReader;
import dev.trustbundle.ctl.Certificates;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CtlKind;
import dev.trustbundle.ctl.CtlParser;
import dev.trustbundle.ctl.Der;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SstElement;
import dev.trustbundle.ctl.SstReader;
import dev.trustbundle.error.MalformedInputException;
import dev.trustbundle.verify.ChainCandidate;
import dev.trustbundle.verify.TrustMaterial;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * The trust material of a verified bundle (or of the active version of a state folder): its roots,
 * the profile's roots and intermediates, its CRLs, the authroot list with every root's attributes,
 * and Microsoft's disallowed thumbprints. Pure: the caller has read and verified the files.
 *
 * @param manifest the bundle's manifest
 * @param material what chain building may use
 * @param crls the bundle's CRLs
 * @param notes files that could not be used, one line each
 */
public record BundleTrust(
    Manifest manifest, TrustMaterial material, List<Crl> crls, List<String> notes) {
  public BundleTrust {
    crls = List.copyOf(crls);
    notes = List.copyOf(notes);
  }

  /**
   * A CRL the bundle carries.
   *
   * @param path its path in the bundle
   * @param url where it was downloaded from
   * @param issuer its issuer's name
   * @param nextUpdate when it goes stale, if it says
   */
  public record Crl(String path, String url, String issuer, Optional<Instant> nextUpdate) {}

  /**
   * Reads the trust material of a bundle whose files have been checked against its manifest.
   *
   * @param m the manifest
   * @param files the bundle's files by path
   */
  public static BundleTrust of(Manifest m, Map<String, byte[]> files) {
    List<String> notes = new ArrayList<>();
    Optional<Ctl> authroot = Optional.empty();
    Set<String> disallowed = new HashSet<>();
    for (Manifest.ListInfo li : m.lists()) {
      byte[] cab = files.get(li.path());
      if (cab == null) {
        notes.add(li.path() + " is named by the manifest but absent");
        continue;
      }
      try {
        Ctl ctl = list(cab, li.kind());
        if (ctl.kind().filter(k -> k == CtlKind.AUTHROOT).isPresent()) {
          authroot = Optional.of(ctl);
        } else if (ctl.kind().filter(k -> k == CtlKind.DISALLOWEDCERT).isPresent()) {
          for (CtlEntry e : ctl.entries()) {
            // Only SHA-1 identifiers name a certificate; the 16-byte ones use an unknown hash.
            if (e.identifier().length == 20) {
              disallowed.add(e.identifierHex());
            }
          }
        }
      } catch (MalformedInputException e) {
        notes.add(li.path() + ": " + e.getMessage());
      }
    }
    List<ChainCandidate> certs = new ArrayList<>();
    List<Crl> crls = new ArrayList<>();
    for (Manifest.FileInfo f : m.files()) {
      byte[] data = files.get(f.path());
      if (data == null) {
        continue;
      }
      Optional<ChainCandidate.Source> source =
          switch (f.role()) {
            case "root" -> Optional.of(ChainCandidate.Source.CTL_ROOT);
            case "removed-root" -> Optional.of(ChainCandidate.Source.REMOVED_ROOT);
            case "extra-root" -> Optional.of(ChainCandidate.Source.EXTRA_ROOT);
            case "intermediate" -> Optional.of(ChainCandidate.Source.INTERMEDIATE);
            default -> Optional.empty();
          };
      try {
        if (source.isPresent()) {
          X509Certificate c = Certificates.parse(data, f.path());
          ChainCandidate.Source s = source.get();
          String sha1 = Hex.sha1(data);
          if (s == ChainCandidate.Source.CTL_ROOT
              && authroot.flatMap(a -> a.entry(sha1)).isEmpty()) {
            // Only roots the list names are trusted, whatever the file's role says.
            s = ChainCandidate.Source.REMOVED_ROOT;
          }
          // Where a profile item was downloaded from helps; a mirror root's URL is upstream's.
          Optional<String> url =
              s == ChainCandidate.Source.INTERMEDIATE || s == ChainCandidate.Source.EXTRA_ROOT
                  ? Optional.ofNullable(f.sourceUrl())
                  : Optional.empty();
          certs.add(new ChainCandidate(c, sha1, s, f.path(), url));
        } else if (f.role().equals("crl")) {
          crls.add(crl(data, f));
        } else if (f.role().equals("store")
            && f.path().toLowerCase(Locale.ROOT).endsWith("disallowedcert.sst")) {
          for (SstElement el : SstReader.read(data)) {
            if (el.type() == SstElement.Type.CERTIFICATE) {
              disallowed.add(el.sha1());
            }
          }
        }
      } catch (MalformedInputException e) {
        notes.add(f.path() + ": " + e.getMessage());
      }
    }
    return new BundleTrust(m, new TrustMaterial(certs, authroot, disallowed), crls, notes);
  }

  private static Ctl list(byte[] data, String kind) {
    Optional<CtlKind> k =
        java.util.Arrays.stream(CtlKind.values()).filter(x -> x.label().equals(kind)).findFirst();
    if (data.length >= 4 && data[0] == 'M' && data[1] == 'S' && data[2] == 'C' && data[3] == 'F') {
      String name = k.map(CtlKind::stlName).orElse("");
      var cab = CabReader.read(data);
      byte[] stl =
          cab.entry(name)
              .orElseThrow(() -> new MalformedInputException("no " + name + " inside the cabinet"))
              .data();
      return CtlParser.parse(stl).ctl();
    }
    return CtlParser.parse(data).ctl();
  }

  private static Crl crl(byte[] data, Manifest.FileInfo f) {
    Der.checkDepth(Der.readWhole(data, f.path()), 32, f.path());
    try {
      X509CRL crl =
          (X509CRL)
              CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(data));
      return new Crl(
          f.path(),
          f.sourceUrl() == null ? f.path() : f.sourceUrl(),
          crl.getIssuerX500Principal().getName(X500Principal.RFC2253),
          Optional.ofNullable(crl.getNextUpdate()).map(java.util.Date::toInstant));
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new MalformedInputException(f.path() + " is not a valid CRL: " + e.getMessage());
    }
  }
}
