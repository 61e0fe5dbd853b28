package dev.trustbundle.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No PowerShell here: the script is checked as text (every value and path it sets, its structure,
 * its help), and parsed with pwsh when that happens to be installed.
 */
class PowerShellScriptTest {
  static final String URL = "http://ctl.example.internal/";

  static String script(ClientSettings s) {
    return new String(PowerShellScript.generate(s), StandardCharsets.US_ASCII);
  }

  static String withUrl() {
    return script(ClientSettings.of(new MirrorUrl(URL)));
  }

  /**
   * The code with comments removed and every string literal replaced by {@code ''}, so that
   * brackets can be counted; fails on an unterminated string or comment.
   */
  static String code(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (s.startsWith("<#", i)) {
        int end = s.indexOf("#>", i + 2);
        assertThat(end).as("unterminated block comment at %d", i).isPositive();
        // Keep the line breaks so that lines of the code match lines of the script.
        out.append(s.substring(i, end).replaceAll("[^\n]", ""));
        i = end + 2;
      } else if (c == '#') {
        int end = s.indexOf('\n', i);
        i = end < 0 ? s.length() : end;
      } else if (c == '\'') {
        int j = i + 1;
        while (true) {
          assertThat(j).as("unterminated '...' at %d", i).isLessThan(s.length());
          if (s.charAt(j) == '\'') {
            if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
              j += 2;
              continue;
            }
            break;
          }
          assertThat(s.charAt(j)).as("line break in '...' at %d", i).isNotEqualTo('\n');
          j++;
        }
        out.append("''");
        i = j + 1;
      } else if (c == '"') {
        int j = i + 1;
        int depth = 0;
        while (true) {
          assertThat(j).as("unterminated \"...\" at %d", i).isLessThan(s.length());
          char d = s.charAt(j);
          if (d == '`') {
            j += 2;
            continue;
          }
          if (s.startsWith("$(", j)) {
            depth++;
            j += 2;
            continue;
          }
          if (d == ')' && depth > 0) {
            depth--;
          } else if (d == '"' && depth == 0) {
            break;
          }
          assertThat(d).as("line break in \"...\" at %d", i).isNotEqualTo('\n');
          j++;
        }
        out.append("''");
        i = j + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  static void assertBalanced(String code) {
    Deque<Character> stack = new ArrayDeque<>();
    for (char c : code.toCharArray()) {
      switch (c) {
        case '(', '{', '[' -> stack.push(c);
        case ')', '}', ']' -> {
          assertThat(stack).as("closing %s without opening", c).isNotEmpty();
          char open = stack.pop();
          assertThat("" + open + c).isIn("()", "{}", "[]");
        }
        default -> {}
      }
    }
    assertThat(stack).as("unclosed brackets").isEmpty();
  }

  static String paramBlock(String code) {
    int start = code.indexOf("param(");
    assertThat(start).isPositive();
    int depth = 0;
    for (int i = start + 5; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return code.substring(start, i + 1);
      }
    }
    throw new AssertionError("param( is not closed");
  }

  static Set<String> parameters(String code) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m =
        Pattern.compile("\\[(?:string|switch|int)\\]\\s*\\$(\\w+)").matcher(paramBlock(code));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void isBalancedPrintableAsciiWithCrlf() {
    for (String s :
        List.of(
            withUrl(),
            script(ClientSettings.withoutUrl()),
            script(ClientSettings.of(new MirrorUrl("file://\\\\10.1.2.3\\share$\\it's"))))) {
      assertThat(s.chars()).allMatch(c -> c == '\r' || c == '\n' || (c >= 0x20 && c < 0x7F));
      assertThat(s.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
      assertThat(s).doesNotContain(" \r\n").doesNotContain("@@");
      assertBalanced(code(s.replace("\r\n", "\n")));
    }
  }

  @Test
  void hasCommentBasedHelpForEveryParameterAndShouldProcess() {
    String s = withUrl().replace("\r\n", "\n");
    assertThat(s).startsWith("<#\n.SYNOPSIS\n");
    String help = s.substring(0, s.indexOf("#>"));
    assertThat(help).contains("\n.DESCRIPTION\n").contains("\n.EXAMPLE\n").contains("\n.NOTES\n");
    assertThat(help.split("\n\\.EXAMPLE\n", -1)).hasSizeGreaterThan(3);
    String code = code(s);
    Set<String> params = parameters(code);
    assertThat(params)
        .containsExactly(
            "MirrorUrl",
            "RootsPath",
            "IntermediatesPath",
            "NoQueryString",
            "SyncIntervalSeconds",
            "SkipResync",
            "Undo");
    Set<String> documented = new LinkedHashSet<>();
    Matcher m = Pattern.compile("\n\\.PARAMETER (\\w+)\n").matcher(help);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).isEqualTo(params);
    // The help block comes first, then the attributes and the param block.
    assertThat(code.trim()).startsWith("[CmdletBinding(SupportsShouldProcess = $true,");
    assertThat(s).contains("[Parameter(ParameterSetName = 'Undo', Mandatory = $true)]");
  }

  @Test
  void everyChangeIsGuardedByShouldProcess() {
    String text = withUrl().replace("\r\n", "\n");
    String[] source = text.split("\n", -1);
    String[] lines = code(text).split("\n", -1);
    assertThat(lines).hasSameSizeAs(source);
    List<String> mutators =
        List.of(
            "New-ItemProperty",
            "Remove-ItemProperty",
            "Remove-Item ",
            "New-Item ",
            "$store.Add(",
            "$store.Remove(",
            "'delete')",
            "'AuthRootWU')");
    // For each '{', the text of its line; a change must sit inside a ShouldProcess block.
    Deque<String> open = new ArrayDeque<>();
    int changes = 0;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      for (String mutator : mutators) {
        if (source[n].contains(mutator) && !source[n].trim().startsWith("#")) {
          changes++;
          assertThat(open)
              .as(line)
              .anySatisfy(l -> assertThat(l).contains("$PSCmdlet.ShouldProcess("));
        }
      }
      for (char c : line.toCharArray()) {
        if (c == '{') {
          open.push(line);
        } else if (c == '}') {
          open.pop();
        }
      }
    }
    assertThat(changes).isGreaterThanOrEqualTo(mutators.size());
  }

  @Test
  void setsEveryValueOfTheRegFileAndClearsEveryCache() {
    String s = withUrl();
    assertThat(s)
        .contains("$AutoUpdateKey = 'HKLM:\\" + AutoUpdateRegistry.AUTO_UPDATE_KEY + "'")
        .contains("$PolicyKey = 'HKLM:\\" + AutoUpdateRegistry.POLICY_KEY + "'")
        .contains(
            "Set-RegistryValue -Path $AutoUpdateKey -Name 'RootDirUrl' -Value $MirrorUrl -Type"
                + " 'String'")
        .contains(
            "Set-RegistryValue -Path $AutoUpdateKey -Name 'Flags' -Value $FlagNoQueryString -Type"
                + " 'DWord'")
        .contains("$FlagNoQueryString = 4\r\n")
        .contains(
            "Set-RegistryValue -Path $AutoUpdateKey -Name $name -Value $interval -Type 'DWord'")
        .contains(
            "Set-RegistryValue -Path $PolicyKey -Name 'DisableRootAutoUpdate' -Value 0 -Type"
                + " 'DWord'")
        .contains(
            "Set-RegistryValue -Path $PolicyKey -Name 'EnableDisallowedCertAutoUpdate' -Value 1"
                + " -Type 'DWord'");
    // The lists of names the script loops over, exactly as the reference gives them.
    assertThat(s)
        .contains("$CachedValues = @(" + quotedList(AutoUpdateRegistry.CACHED_VALUES) + ")")
        .contains("$SyncValues = @(" + quotedList(AutoUpdateRegistry.SYNC_DELTA_TIMES) + ")")
        .contains("$ListCabinets = @(" + quotedList(AutoUpdateRegistry.LIST_CABINETS) + ")");
    // Every value of the fullest .reg file is set by name or through one of those lists.
    List<RegistryValue> values =
        new ClientSettings(Optional.of(new MirrorUrl(URL)), true, OptionalInt.of(600))
            .registryValues();
    for (RegistryValue v : values) {
      assertThat(s.contains("-Name '" + v.name() + "'") || s.contains("'" + v.name() + "'"))
          .as(v.name())
          .isTrue();
    }
    // Certificates into the machine stores; the resync with certutil; the report.
    assertThat(s)
        .contains("X509Store($StoreName, 'LocalMachine')")
        .contains("-StoreName 'Root' -StateName 'AddedRoots'")
        .contains("-StoreName 'CA' -StateName 'AddedIntermediates'")
        .contains("@('roots', '..\\extra\\roots')")
        .contains("@('intermediates', '..\\extra\\intermediates')")
        .contains("Remove-RegistryValue -Path $AutoUpdateKey -Name $name")
        .contains("Invoke-CertUtil @('-urlcache', $cached, 'delete')")
        .contains("Invoke-CertUtil @('-verifyCTL', 'AuthRoot')")
        .contains("Invoke-CertUtil @('-f', '-verifyCTL', 'AuthRootWU')");
    // Undo removes what the script sets.
    String undo =
        s.substring(
            s.indexOf("function Invoke-Undo"),
            s.indexOf("\r\n}\r\n", s.indexOf("function Invoke-Undo")));
    assertThat(undo)
        .contains("-Name 'RootDirUrl'")
        .contains("-Name 'DisableRootAutoUpdate'")
        .contains("-Name 'EnableDisallowedCertAutoUpdate'")
        .contains("-Name 'Flags'")
        .contains("Remove-Certificates -StoreName 'Root'")
        .contains("Remove-Certificates -StoreName 'CA'")
        .contains("Remove-Item -LiteralPath $StateKey");
  }

  static String quotedList(List<String> names) {
    return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
  }

  @Test
  void bakesTheUrlAndOptionsInOrRequiresMirrorUrl() {
    assertThat(withUrl())
        .contains(
            "[Parameter(ParameterSetName = 'Set')]\r\n    [ValidateNotNullOrEmpty()]\r\n"
                + "    [string] $MirrorUrl = 'http://ctl.example.internal/',")
        .contains("$GeneratedNoQueryString = $false\r\n")
        .contains("$GeneratedSyncIntervalSeconds = 0\r\n");
    assertThat(script(ClientSettings.withoutUrl()))
        .contains(
            "[Parameter(ParameterSetName = 'Set', Mandatory = $true)]\r\n"
                + "    [ValidateNotNullOrEmpty()]\r\n    [string] $MirrorUrl,")
        .contains("Required: this copy was generated without a mirror URL.");
    String quoted = script(ClientSettings.of(new MirrorUrl("file://\\\\10.1.2.3\\share$\\it's")));
    assertThat(quoted).contains("[string] $MirrorUrl = 'file://\\\\10.1.2.3\\share$\\it''s',");
    String options =
        script(new ClientSettings(Optional.of(new MirrorUrl(URL)), true, OptionalInt.of(86400)));
    assertThat(options)
        .contains("$GeneratedNoQueryString = $true\r\n")
        .contains("$GeneratedSyncIntervalSeconds = 86400\r\n")
        .contains("generated with --no-query-string")
        .contains("generated with --sync-interval 86400");
  }

  @Test
  void parsesWithPwshWhenInstalled(@TempDir Path dir) throws Exception {
    Optional<Path> pwsh =
        List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
            .map(d -> Path.of(d, "pwsh"))
            .filter(Files::isExecutable)
            .findFirst();
    assumeTrue(pwsh.isPresent(), "pwsh is not installed: PowerShell parse skipped");
    List<String> failures = new ArrayList<>();
    for (ClientSettings s :
        List.of(ClientSettings.of(new MirrorUrl(URL)), ClientSettings.withoutUrl())) {
      Path f = dir.resolve("Set-TrustBundleMirror.ps1");
      Files.write(f, PowerShellScript.generate(s));
      Process p =
          new ProcessBuilder(
                  pwsh.get().toString(),
                  "-NoProfile",
                  "-NonInteractive",
                  "-Command",
                  "$e=$null; [void][System.Management.Automation.Language.Parser]::ParseFile('"
                      + f
                      + "',[ref]$null,[ref]$e); $e | ForEach-Object { $_.ToString() }; exit"
                      + " $e.Count")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      if (p.exitValue() != 0) {
        failures.add(out);
      }
    }
    assertThat(failures).isEmpty();
  }
}
