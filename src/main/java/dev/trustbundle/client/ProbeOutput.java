package dev.trustbundle.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustbundle.client.ProbeCheck.Status;
import java.util.Locale;

/** The probe's report as text (one line per check, then a summary) or as one JSON object. */
public final class ProbeOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProbeOutput() {}

  /** One line per check ({@code STATUS check URL expected: ...; got: ...}), then the summary. */
  public static String text(ProbeReport r) {
    StringBuilder out = new StringBuilder();
    out.append("probe ")
        .append(r.url())
        .append(" as a Windows client (User-Agent ")
        .append(ProbeTransport.USER_AGENT)
        .append("), lists evaluated at ")
        .append(r.at())
        .append('\n');
    for (ProbeCheck c : r.checks()) {
      out.append(
          String.format(
              "%-4s  %-17s %s  expected: %s; got: %s\n",
              c.status(), c.name(), c.url(), c.expected(), c.got()));
    }
    out.append(summary(r)).append('\n');
    out.append("result: ")
        .append(r.failed() ? "FAIL" : "PASS")
        .append(
            r.failed()
                ? " (" + r.count(Status.FAIL) + " checks failed)"
                : r.count(Status.WARN) > 0 ? " (warnings do not fail the probe)" : "")
        .append('\n');
    return out.toString();
  }

  static String summary(ProbeReport r) {
    String roots =
        r.rootsListed() == 0
            ? "no roots fetched"
            : r.rootsFetched()
                + " of "
                + r.rootsListed()
                + " listed roots fetched"
                + (r.all() || r.rootsFetched() >= r.rootsListed()
                    ? ""
                    : " (sample picked by --seed " + r.seed() + ")");
    return "summary: "
        + r.checks().size()
        + " checks: "
        + r.count(Status.PASS)
        + " pass, "
        + r.count(Status.WARN)
        + " warn, "
        + r.count(Status.FAIL)
        + " fail, "
        + r.count(Status.SKIP)
        + " skip; "
        + r.requests()
        + " requests; "
        + roots;
  }

  /** One JSON object: the mirror, the result, the lists read, counts and every check. */
  public static String json(ProbeReport r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("url", r.url());
    o.put("result", r.failed() ? "fail" : "pass");
    o.put("at", r.at().toString());
    o.put("userAgent", ProbeTransport.USER_AGENT);
    o.put("requests", r.requests());
    ObjectNode roots = o.putObject("roots");
    roots.put("listed", r.rootsListed());
    roots.put("fetched", r.rootsFetched());
    roots.put("all", r.all());
    roots.put("seed", r.seed());
    ArrayNode lists = o.putArray("lists");
    for (ProbeReport.ListInfo l : r.lists()) {
      ObjectNode n = lists.addObject();
      n.put("kind", l.kind());
      l.sequenceNumber().ifPresent(s -> n.put("sequenceNumber", s));
      n.put("thisUpdate", l.thisUpdate().toString());
      n.put("entries", l.entries());
      n.put("valid", l.valid());
    }
    ObjectNode summary = o.putObject("summary");
    for (Status s : Status.values()) {
      summary.put(s.name().toLowerCase(Locale.ROOT), r.count(s));
    }
    ArrayNode checks = o.putArray("checks");
    for (ProbeCheck c : r.checks()) {
      ObjectNode n = checks.addObject();
      n.put("check", c.name());
      n.put("status", c.status().name().toLowerCase(Locale.ROOT));
      n.put("url", c.url());
      n.put("expected", c.expected());
      n.put("got", c.got());
    }
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("JSON rendering failed", e);
    }
  }
}
