package dev.trustbundle.verify;

import dev.trustbundle.ctl.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The roots a trust list's signer chain may end at. By default the Microsoft roots of reference 4.2
 * that have signed lists: Root Certificate Authority 2010 (current), 2011, the 2001 "Microsoft Root
 * Certificate Authority" and the 1997 "Microsoft Root Authority" (historical lists). Pins are
 * SHA-256 fingerprints; no certificate bytes live in the source tree.
 *
 * @param pins roots identified by fingerprint
 * @param certificates roots given as certificates (from {@code --trust-anchor})
 */
public record TrustAnchors(List<Pin> pins, List<byte[]> certificates) {
  /** Microsoft's CTL-signing roots (reference 4.2). */
  public static final List<Pin> MICROSOFT =
      List.of(
          new Pin(
              "Microsoft Root Certificate Authority 2010",
              "DF545BF919A2439C36983B54CDFC903DFA4F37D3996D8D84B4C31EEC6F3C163E",
              Optional.of("3B1EFD3A66EA28B16697394703A72CA340A05BD5")),
          new Pin(
              "Microsoft Root Certificate Authority 2011",
              "847DF6A78497943F27FC72EB93F9A637320A02B561D0A91B09E87A7807ED7C61",
              Optional.of("8F43288AD272F3103B6FB1428485EA3014C0BCFE")),
          new Pin(
              "Microsoft Root Certificate Authority (2001)",
              "885DE64C340E3EA70658F01E1145F957FCDA27AABEEA1AB9FAA9FDB0102D4077",
              Optional.of("CDD4EEAE6000AC7F40C3802C171E30148030C072")),
          new Pin(
              "Microsoft Root Authority (1997)",
              "F38406E540D7A9D90CB4A9479299640FFB6DF9E224ECC7A01C0D9558D8DAD77D",
              Optional.of("A43489159A520F0D93D032CCAF37E7FE20A8B419")));

  public TrustAnchors {
    pins = List.copyOf(pins);
    certificates = List.copyOf(certificates);
  }

  /** The built-in Microsoft pins. */
  public static TrustAnchors microsoft() {
    return new TrustAnchors(MICROSOFT, List.of());
  }

  /** These anchors plus roots given as certificates, each pinned by its own SHA-256. */
  public TrustAnchors plus(List<byte[]> ders, List<String> names) {
    List<Pin> p = new ArrayList<>(pins);
    List<byte[]> c = new ArrayList<>(certificates);
    for (int i = 0; i < ders.size(); i++) {
      byte[] der = ders.get(i);
      // No SHA-1: the bytes are given here, so the roots folder is never searched for them.
      p.add(new Pin(names.get(i), Hex.sha256(der), Optional.empty()));
      c.add(der);
    }
    return new TrustAnchors(p, c);
  }

  /** The pin a DER certificate matches, if any. */
  public Optional<Pin> pinOf(byte[] der) {
    String sha256 = Hex.sha256(der);
    return pins.stream().filter(p -> p.sha256().equals(sha256)).findFirst();
  }
}
