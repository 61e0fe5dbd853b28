package dev.trustbundle.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.ctl.CertPolicy;
import dev.trustbundle.ctl.Ctl;
import dev.trustbundle.ctl.CtlEntry;
import dev.trustbundle.ctl.CutoffDate;
import dev.trustbundle.ctl.Hex;
import dev.trustbundle.ctl.SignedCtl;
import dev.trustbundle.verify.CtlVerification;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of a {@link FileReport}: one object per file with {@code file}, {@code kind},
 * {@code status}, and for lists {@code sequenceNumber}, {@code thisUpdate}, {@code signature} and
 * {@code entries}; for stores and certificate files {@code certificates}.
 */
public final class JsonReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonReport() {}

  /** One line of JSON; {@code withEntries} false leaves out the list's entries. */
  public static String render(FileReport r, boolean withEntries) {
    try {
      ObjectNode o = toJson(r);
      if (!withEntries) {
        o.remove("entries");
      }
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON rendering failed", e);
    }
  }

  /** The report as a JSON tree. */
  public static ObjectNode toJson(FileReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("file", r.file());
    o.put("kind", r.kind());
    o.put("format", r.format().name().toLowerCase(java.util.Locale.ROOT));
    o.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    r.error().ifPresent(e -> o.put("error", e));
    r.container().ifPresent(c -> o.put("container", c));
    r.list().ifPresent(l -> list(o, l));
    r.bundle()
        .ifPresent(
            b -> {
              ObjectNode n = o.putObject("bundle");
              n.put("bundleId", b.manifest().bundleId());
              n.put("sequence", b.manifest().sequence());
              n.put("created", b.manifest().created());
              n.put("expires", b.manifest().expires());
              n.put("signer", b.signer());
              n.put("signatureIntact", b.signatureIntact());
              n.put("files", b.manifest().files().size());
              n.put("filesVerified", b.filesVerified());
              strings(n.putArray("lists"), b.lists());
              strings(n.putArray("problems"), b.problems());
              strings(n.putArray("warnings"), b.manifest().warnings());
            });
    r.crl()
        .ifPresent(
            c -> {
              ObjectNode n = o.putObject("crl");
              n.put("issuer", c.issuer());
              n.put("thisUpdate", c.thisUpdate().toString());
              n.put("nextUpdate", c.nextUpdate().map(Object::toString).orElse(null));
              n.put("revoked", c.revoked());
              n.put("signer", c.signer().orElse(null));
              strings(n.putArray("problems"), c.problems());
            });
    r.verification().ifPresent(v -> o.set("signature", signature(v)));
    r.roots()
        .ifPresent(
            rc -> {
              ObjectNode n = o.putObject("roots");
              n.put("where", rc.where());
              n.put("present", rc.present());
              n.put("missing", rc.missing());
              strings(n.putArray("missingFiles"), rc.missingFiles());
              strings(n.putArray("mismatches"), rc.mismatches());
            });
    r.list().ifPresent(l -> entries(o.putArray("entries"), l.ctl()));
    if (r.list().isEmpty() && r.error().isEmpty() && r.bundle().isEmpty() && r.crl().isEmpty()) {
      ArrayNode certs = o.putArray("certificates");
      for (FileReport.CertificateReport c : r.certificates()) {
        ObjectNode n = certs.addObject();
        n.put("index", c.index());
        n.put("sha1", c.sha1());
        n.put("sha256", c.sha256());
        c.certificate().ifPresent(x -> certificate(n, x));
        c.listedIn().ifPresent(s -> n.put("listedInAuthroot", s));
        strings(n.putArray("problems"), c.problems());
      }
    }
    return o;
  }

  private static void list(ObjectNode o, SignedCtl l) {
    Ctl c = l.ctl();
    o.put("sequenceNumber", c.sequenceNumber().map(s -> s.hex()).orElse(null));
    o.put("thisUpdate", c.thisUpdate().toString());
    o.put("nextUpdate", c.nextUpdate().map(Object::toString).orElse(null));
    strings(o.putArray("subjectUsage"), c.subjectUsage());
    o.put("listIdentifier", c.listIdentifierText().orElse(null));
    o.put("subjectAlgorithm", c.subjectAlgorithm());
    o.put(
        "digestAlgorithm",
        l.signerInfos().isEmpty() ? null : l.signerInfos().get(0).digestAlgorithm());
    o.put("entryCount", c.entries().size());
    ArrayNode ext = o.putArray("extensions");
    c.extensions()
        .forEach(
            x ->
                ext.addObject()
                    .put("oid", x.oid())
                    .put("critical", x.critical())
                    .put("size", x.value().length));
    c.ctLogs()
        .ifPresent(
            ct -> {
              ObjectNode n = o.putObject("ctLogs");
              n.put("count", ct.count());
              ArrayNode h = n.putArray("header");
              ct.header().forEach(h::add);
              strings(n.putArray("keyAlgorithms"), ct.keyAlgorithms());
            });
  }

  private static ObjectNode signature(CtlVerification v) {
    ObjectNode s = MAPPER.createObjectNode();
    s.put("valid", v.valid());
    s.put("signer", v.signer().orElse(null));
    strings(s.putArray("chain"), v.chain());
    s.put("anchor", v.anchor().orElse(null));
    strings(s.putArray("warnings"), v.warnings());
    strings(s.putArray("failures"), v.failures());
    return s;
  }

  private static void entries(ArrayNode a, Ctl ctl) {
    for (CtlEntry e : ctl.entries()) {
      ObjectNode n = a.addObject();
      n.put("sha1", e.identifierHex());
      n.put("sha256", e.sha256Hex().orElse(null));
      n.put("friendlyName", e.friendlyName().orElse(null));
      optionalStrings(n, "ekus", e.ekus());
      n.put("disabledAfter", e.disabledAfter().map(CutoffDate::describe).orElse(null));
      optionalStrings(n, "disallowedEkus", e.disallowedEkus());
      n.put("notBefore", e.notBefore().map(CutoffDate::describe).orElse(null));
      optionalStrings(n, "notBeforeEkus", e.notBeforeEkus());
      n.put("keyIdentifier", e.keyIdentifier().map(Hex::upper).orElse(null));
      n.put("subjectNameMd5", e.subjectNameMd5().map(Hex::upper).orElse(null));
      if (e.rootProgramPolicies().isPresent()) {
        ArrayNode p = n.putArray("rootProgramPolicies");
        for (CertPolicy cp : e.rootProgramPolicies().get()) {
          ObjectNode pn = p.addObject().put("oid", cp.oid());
          strings(pn.putArray("qualifiers"), cp.qualifierOids());
        }
      } else {
        n.putNull("rootProgramPolicies");
      }
      optionalStrings(n, "chainPolicies", e.chainPolicies());
      if (!e.otherAttributes().isEmpty()) {
        ObjectNode other = n.putObject("otherAttributes");
        e.otherAttributes()
            .forEach(
                att ->
                    strings(
                        other.putArray(att.oid()), att.values().stream().map(Hex::upper).toList()));
      }
    }
  }

  private static void certificate(ObjectNode n, X509Certificate x) {
    n.put("subject", x.getSubjectX500Principal().getName());
    n.put("issuer", x.getIssuerX500Principal().getName());
    n.put("serialNumber", Hex.upper(x.getSerialNumber().toByteArray()));
    n.put("notBefore", x.getNotBefore().toInstant().toString());
    n.put("notAfter", x.getNotAfter().toInstant().toString());
    n.put("signatureAlgorithm", x.getSigAlgName());
  }

  private static void optionalStrings(ObjectNode n, String field, Optional<List<String>> values) {
    if (values.isPresent()) {
      strings(n.putArray(field), values.get());
    } else {
      n.putNull(field);
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
