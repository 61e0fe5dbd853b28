package dev.trustbundle.hostile;

import static dev.trustbundle.hostile.HostileCorpus.USAGE;

import dev.trustbundle.hostile.HostileCorpus.Case;
import dev.trustbundle.hostile.HostileCorpus.Category;
import dev.trustbundle.hostile.HostileCorpus.Runner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Profile YAML given to {@code build --profile}: unknown keys, alias bombs, deep nesting, wrong
 * types, bad pins and URLs, names that try to traverse, and files too large to be a profile. Each
 * must be refused before anything is fetched (the upstream does not exist) and before anything is
 * written.
 */
final class ProfileCases {
  private ProfileCases() {}

  static final String ROOT = "  - name: R\n    sha1: DF3C24F9BFD666761B268073FE06D1CC8D4F82A4\n";

  static List<Case> generate() {
    List<Case> out = new ArrayList<>();
    y(out, "unknown-top-level-key", "name: p\nevil: 1\n", "unknown key 'evil'");
    y(
        out,
        "unknown-nested-key",
        "name: p\nroots:\n" + ROOT + "    evil: 1\n",
        "unknown key 'evil'");
    y(out, "misspelt-key", "name: p\nvalidity_days: 3\n", "unknown key");
    y(out, "billion-laughs", laughs(), "unknown key 'x1'");
    y(out, "billion-laughs-in-roots", laughsInRoots(), "wrong type");
    y(
        out,
        "alias-to-mapping",
        "name: &a p\nroots:\n  - &r {name: R, sha1: DF3C24F9BFD666761B268073FE06D1CC8D4F82A4}\n  - *r\n"
            + "  - *r\n".repeat(200),
        "wrong type");
    y(
        out,
        "deep-nesting-flow",
        "name: p\nroots: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n",
        "wrong type");
    y(out, "deep-nesting-block", "name: p\nroots:\n" + deepBlock(400), "wrong type");
    y(out, "name-a-list", "name: [1, 2]\n", "wrong type");
    y(out, "name-a-mapping", "name: {a: b}\n", "wrong type");
    y(out, "validity-days-a-string", "name: p\nvalidity-days: many\n", "wrong type");
    y(out, "validity-days-huge", "name: p\nvalidity-days: 99999999999999999999\n", "out of range");
    y(out, "validity-days-zero", "name: p\nvalidity-days: 0\n", "validity-days");
    y(out, "grace-days-negative", "name: p\ngrace-days: -1\n", "grace-days");
    y(out, "roots-a-string", "name: p\nroots: all of them\n", "wrong type");
    y(out, "roots-of-numbers", "name: p\nroots: [1, 2]\n", "wrong type");
    y(
        out,
        "root-without-name",
        "name: p\nroots:\n  - sha1: DF3C24F9BFD666761B268073FE06D1CC8D4F82A4\n",
        "name is required");
    y(
        out,
        "root-sha256-63-digits",
        "name: p\nroots:\n  - name: R\n    sha256: " + "A".repeat(63) + "\n",
        "64 hex digits");
    y(
        out,
        "root-sha256-not-hex",
        "name: p\nroots:\n  - name: R\n    sha256: " + "G".repeat(64) + "\n",
        "64 hex digits");
    y(
        out,
        "root-sha1-too-long",
        "name: p\nroots:\n  - name: R\n    sha1: " + "A".repeat(41) + "\n",
        "40 hex digits");
    y(
        out,
        "root-url-without-pin",
        "name: p\nroots:\n  - name: R\n    sha1: "
            + "A".repeat(40)
            + "\n    url: http://x.test/r.crt\n",
        "pinned sha256");
    y(
        out,
        "url-file-scheme",
        "name: p\nroots:\n  - name: R\n    url: file:///etc/passwd\n    sha256: "
            + "A".repeat(64)
            + "\n",
        "http or https");
    y(
        out,
        "url-javascript",
        "name: p\nintermediates:\n  - name: I\n    url: javascript:alert(1)\n    sha256: "
            + "A".repeat(64)
            + "\n",
        "http or https");
    y(out, "url-without-host", "name: p\ncrls:\n  - url: http:///x.crl\n", "http or https");
    y(
        out,
        "url-with-spaces",
        "name: p\ncrls:\n  - url: http://x.test/a b.crl\n",
        "url is not valid");
    y(
        out,
        "intermediate-without-pin-or-subject",
        "name: p\nintermediates:\n  - name: I\n    url: http://x.test/i.crt\n",
        "pin it");
    y(
        out,
        "chain-to-root-other",
        "name: p\nintermediates:\n  - name: I\n    url: http://x.test/i.crt\n    chain-to-root: anywhere\n    subject: CN=I\n",
        "chain-to-root");
    y(
        out,
        "crl-url-and-from",
        "name: p\ncrls:\n  - url: http://x.test/a.crl\n    from: cdp\n",
        "either url or from");
    y(out, "crl-from-other", "name: p\ncrls:\n  - from: ldap\n", "from must be 'cdp'");
    y(out, "name-traversal", "name: ../../etc/passwd\n", "name must be");
    y(out, "name-too-long", "name: " + "a".repeat(65) + "\n", "name must be");
    y(out, "name-missing", "description: no name\n", "name must be");
    y(out, "duplicate-key", "name: p\nname: q\n", "uplicate");
    y(out, "two-documents", "name: p\n---\nname: q\n", "wrong type");
    y(out, "tab-indentation", "name: p\nroots:\n\t- name: R\n", "TAB");
    y(
        out,
        "java-type-tag",
        "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x.test/\"]]]]\n",
        "wrong type");
    y(out, "binary-tag", "name: !!binary aGVsbG8=\n", "name must be");
    y(out, "empty", "", "empty");
    y(out, "only-a-comment", "# nothing here\n", "empty");
    y(out, "null-document", "~\n", "is empty");
    y(out, "a-list-not-a-mapping", "- name: p\n", "wrong type");
    y(
        out,
        "items-10001",
        "name: p\ncrls:\n" + "  - from: cdp\n".repeat(10_001),
        "more than 10000 items");
    y(
        out,
        "larger-than-1-mib",
        "name: p\n" + ("# " + "x".repeat(98) + "\n").repeat(11_000),
        "larger than 1 MiB");
    add(
        out,
        "invalid-utf8",
        new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xC0, (byte) 0xAF, '\n'},
        "name must be");
    add(out, "binary-garbage", garbage(), "Invalid UTF-8");
    return out;
  }

  private static void y(List<Case> out, String name, String yaml, String fragment) {
    add(out, name, yaml.getBytes(StandardCharsets.UTF_8), fragment);
  }

  private static void add(List<Case> out, String name, byte[] yaml, String fragment) {
    Material m = Material.get();
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("profile.yaml", yaml);
    files.put("publisher.p12", m.publisherP12());
    files.put("pass.txt", Material.P12_PASS.getBytes(StandardCharsets.UTF_8));
    out.add(
        new Case(
            Category.PROFILE,
            name,
            Runner.PROFILE,
            "profile.yaml",
            files,
            List.of(
                "--profile",
                "@profile.yaml",
                "--upstream",
                "file:///nonexistent-trustbundle-upstream/",
                "--sign-key",
                "@publisher.p12",
                "--sign-pass",
                "file:@pass.txt",
                "--out",
                "@out/bundle.tar.gz",
                "--at",
                Material.AT,
                "--retries",
                "0"),
            Set.of(USAGE),
            fragment,
            false));
  }

  /** Nine levels of aliases, each ten times the one before: 10^9 strings if expanded. */
  private static String laughs() {
    StringBuilder sb = new StringBuilder("name: p\ndescription: &l0 \"lol\"\n");
    for (int i = 1; i <= 9; i++) {
      sb.append("x").append(i).append(": &l").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        sb.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      sb.append("]\n");
    }
    return sb.toString();
  }

  /** The same bomb where a list is allowed, so that the parser meets it before any key. */
  private static String laughsInRoots() {
    StringBuilder sb = new StringBuilder("name: p\nroots:\n  - &l0 [\"lol\"]\n");
    for (int i = 1; i <= 9; i++) {
      sb.append("  - &l").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        sb.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
      }
      sb.append("]\n");
    }
    return sb.toString();
  }

  private static String deepBlock(int depth) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      sb.append("  ".repeat(i + 1)).append("- \n");
    }
    return sb.toString();
  }

  private static byte[] garbage() {
    byte[] b = new byte[4096];
    HostileCorpus.random(7).nextBytes(b);
    return b;
  }
}
