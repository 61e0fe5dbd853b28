package dev.trustbundle.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one HTML style of TrustBundle's pages (diff, build report, the mirror's status page): a
 * self-contained page (inline CSS, no scripts, no external resources, so it works offline and from
 * {@code file://}), a summary header, tables with zebra rows, coloured badges.
 *
 * <p>Untrusted text (friendly names, subjects, URLs, file names) can only enter a page through
 * {@link #text}, {@link #code} and the other factories, which escape it; a {@link Fragment} cannot
 * be made from a raw string outside this class. The page also carries a Content-Security-Policy
 * that forbids scripts, as a second line of defence.
 */
public final class Html {
  private Html() {}

  /** Colours of badges, summary cards and callouts. */
  public enum Tone {
    ADDED("added"),
    REMOVED("removed"),
    CHANGED("changed"),
    WARNING("warning"),
    OK("ok"),
    BAD("bad"),
    INFO("info"),
    NEUTRAL("neutral");

    private final String css;

    Tone(String css) {
      this.css = css;
    }

    /** The CSS class. */
    public String css() {
      return css;
    }
  }

  /** A piece of HTML in which every text part has been escaped. */
  public static final class Fragment {
    private final String html;

    private Fragment(String html) {
      this.html = html;
    }

    /** The markup. */
    public String html() {
      return html;
    }

    @Override
    public String toString() {
      return html;
    }
  }

  /**
   * Escapes text for element content and quoted attribute values: {@code & < > " '}, and shows
   * control and bidirectional-override characters as {@code \\uXXXX} so that a hostile name cannot
   * disguise itself.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    // Control and bidi characters first (as the text output shows them), then markup.
    String safe = TextReport.safe(s);
    StringBuilder out = new StringBuilder(safe.length() + 16);
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Text, escaped. */
  public static Fragment text(String s) {
    return new Fragment(escape(s));
  }

  /** Text in a monospace font (hashes, sequence numbers, OIDs, URLs). */
  public static Fragment code(String s) {
    return new Fragment("<code>" + escape(s) + "</code>");
  }

  /** A small muted monospace line (an identifier under a name). */
  public static Fragment id(String s) {
    return new Fragment("<code class=\"id\">" + escape(s) + "</code>");
  }

  /** A file path or URL: monospace, wraps anywhere, and keeps its column readable. */
  public static Fragment path(String s) {
    return new Fragment("<code class=\"path\">" + escape(s) + "</code>");
  }

  /** Text in a muted colour. */
  public static Fragment muted(String s) {
    return new Fragment("<span class=\"muted\">" + escape(s) + "</span>");
  }

  /** A number, right-aligned in its cell. */
  public static Fragment num(String s) {
    return new Fragment("<span class=\"num\">" + escape(s) + "</span>");
  }

  /** Text that does not wrap (dates, short values). */
  public static Fragment nowrap(String s) {
    return new Fragment("<span class=\"nowrap\">" + escape(s) + "</span>");
  }

  /** Bold text. */
  public static Fragment strong(String s) {
    return new Fragment("<strong>" + escape(s) + "</strong>");
  }

  /** A coloured pill. */
  public static Fragment badge(Tone tone, String s) {
    return new Fragment("<span class=\"badge " + tone.css() + "\">" + escape(s) + "</span>");
  }

  /** Fragments one after the other, separated by a space. */
  public static Fragment join(Fragment... parts) {
    return join(List.of(parts), " ");
  }

  /** Fragments separated by an escaped separator. */
  public static Fragment join(List<Fragment> parts, String separator) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        b.append(escape(separator));
      }
      b.append(parts.get(i).html());
    }
    return new Fragment(b.toString());
  }

  /** Fragments one per line. */
  public static Fragment lines(List<Fragment> parts) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        b.append("<br>");
      }
      b.append(parts.get(i).html());
    }
    return new Fragment(b.toString());
  }

  /** A bulleted list of texts. */
  public static Fragment bullets(String cssClass, List<String> items) {
    StringBuilder b = new StringBuilder("<ul class=\"" + escape(cssClass) + "\">");
    for (String s : items) {
      b.append("<li>").append(escape(s)).append("</li>");
    }
    return new Fragment(b.append("</ul>").toString());
  }

  /** A key/value row of a facts table. */
  public record Fact(String label, Fragment value) {
    public Fact {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(value, "value");
    }
  }

  /** A page under construction: a header, summary cards, then sections in order. */
  public static final class Page {
    private final String title;
    private String subtitle = "";
    private Fragment status;
    private final List<String> stats = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private String footer = "";

    /** A page with this title (also the document title). */
    public Page(String title) {
      this.title = Objects.requireNonNull(title, "title");
    }

    /** The line under the title. */
    public Page subtitle(String s) {
      subtitle = s;
      return this;
    }

    /** A badge beside the title (the page's verdict). */
    public Page status(Tone tone, String text, String id) {
      status =
          new Fragment(
              "<span id=\""
                  + escape(id)
                  + "\" class=\"badge big "
                  + tone.css()
                  + "\">"
                  + escape(text)
                  + "</span>");
      return this;
    }

    /** A summary card: a big number or word and what it counts. */
    public Page stat(String id, String value, String label, Tone tone) {
      stats.add(
          "<div class=\"stat "
              + tone.css()
              + "\" id=\""
              + escape(id)
              + "\"><div class=\"n\">"
              + escape(value)
              + "</div><div class=\"l\">"
              + escape(label)
              + "</div></div>");
      return this;
    }

    /** A section heading, with an optional count badge. */
    public Page heading(String text, String id, Fragment... badges) {
      body.append("<h2 id=\"").append(escape(id)).append("\">").append(escape(text));
      for (Fragment f : badges) {
        body.append(' ').append(f.html());
      }
      body.append("</h2>");
      return this;
    }

    /** A smaller heading inside a section. */
    public Page subheading(String text, Fragment... badges) {
      body.append("<h3>").append(escape(text));
      for (Fragment f : badges) {
        body.append(' ').append(f.html());
      }
      body.append("</h3>");
      return this;
    }

    /** A paragraph. */
    public Page paragraph(Fragment f) {
      body.append("<p>").append(f.html()).append("</p>");
      return this;
    }

    /** A two-column table of facts. */
    public Page facts(String id, List<Fact> facts) {
      body.append("<table class=\"facts\" id=\"").append(escape(id)).append("\"><tbody>");
      for (Fact f : facts) {
        body.append("<tr><th scope=\"row\">")
            .append(escape(f.label()))
            .append("</th><td>")
            .append(f.value().html())
            .append("</td></tr>");
      }
      body.append("</tbody></table>");
      return this;
    }

    /**
     * A table with a header row; {@code empty} is shown in place of the table when there are no
     * rows.
     */
    public Page table(String id, List<String> headers, List<List<Fragment>> rows, String empty) {
      if (rows.isEmpty()) {
        body.append("<p class=\"empty\" id=\"")
            .append(escape(id))
            .append("\">")
            .append(escape(empty))
            .append("</p>");
        return this;
      }
      body.append("<div class=\"scroll\"><table class=\"data\" id=\"")
          .append(escape(id))
          .append("\"><thead><tr>");
      for (String h : headers) {
        body.append("<th scope=\"col\">").append(escape(h)).append("</th>");
      }
      body.append("</tr></thead><tbody>");
      for (List<Fragment> row : rows) {
        body.append("<tr>");
        for (Fragment c : row) {
          body.append("<td>").append(c.html()).append("</td>");
        }
        body.append("</tr>");
      }
      body.append("</tbody></table></div>");
      return this;
    }

    /** A coloured box listing messages (warnings, problems). */
    public Page callout(String id, Tone tone, List<String> messages) {
      if (messages.isEmpty()) {
        return this;
      }
      body.append("<div class=\"callout ")
          .append(tone.css())
          .append("\" id=\"")
          .append(escape(id))
          .append("\"><ul>");
      for (String m : messages) {
        body.append("<li>").append(escape(m)).append("</li>");
      }
      body.append("</ul></div>");
      return this;
    }

    /** The small print at the bottom. */
    public Page footer(String s) {
      footer = s;
      return this;
    }

    /** The whole document. */
    public String render() {
      StringBuilder b = new StringBuilder(body.length() + CSS.length() + 1024);
      b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
          .append(" style-src 'unsafe-inline'\">")
          .append("<meta name=\"color-scheme\" content=\"light dark\">")
          .append("<title>")
          .append(escape(title))
          .append("</title><style>")
          .append(CSS)
          .append("</style></head>\n<body><header class=\"top\"><div class=\"wrap\">")
          .append("<div class=\"brand\">TrustBundle</div><h1 id=\"title\">")
          .append(escape(title));
      if (status != null) {
        b.append(' ').append(status.html());
      }
      b.append("</h1>");
      if (!subtitle.isEmpty()) {
        b.append("<p class=\"sub\">").append(escape(subtitle)).append("</p>");
      }
      b.append("</div></header>\n<main class=\"wrap\">");
      if (!stats.isEmpty()) {
        b.append("<div class=\"stats\">");
        stats.forEach(b::append);
        b.append("</div>");
      }
      b.append(body).append("</main>\n");
      if (!footer.isEmpty()) {
        b.append("<footer class=\"wrap\">").append(escape(footer)).append("</footer>");
      }
      return b.append("</body></html>\n").toString();
    }
  }

  static final String CSS =
      ":root{--bg:#f5f7fa;--fg:#1f2328;--muted:#59636e;--card:#fff;--line:#d8dee4;"
          + "--zebra:#f6f8fa;--head:#eef1f5;--top1:#0b3a66;--top2:#1565c0;"
          + "--added:#1a7f37;--added-bg:#dafbe1;--removed:#cf222e;--removed-bg:#ffebe9;"
          + "--changed:#9a6700;--changed-bg:#fff8c5;--warning:#bc4c00;--warning-bg:#fff1e5;"
          + "--info:#0969da;--info-bg:#ddf4ff;--neutral:#59636e;--neutral-bg:#eef1f5}"
          + "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;"
          + "--card:#151b23;--line:#30363d;--zebra:#1a2029;--head:#1f2630;--top1:#0a2540;"
          + "--top2:#12467f;--added:#3fb950;--added-bg:#12361f;--removed:#f85149;"
          + "--removed-bg:#3d1517;--changed:#d29922;--changed-bg:#3a2d0b;--warning:#f0883e;"
          + "--warning-bg:#3d230d;--info:#4493f8;--info-bg:#0c2d4f;--neutral:#9198a1;"
          + "--neutral-bg:#262c36}}"
          + "*{box-sizing:border-box}"
          + "body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,"
          + "-apple-system,'Segoe UI',Roboto,'Liberation Sans','DejaVu Sans',Arial,sans-serif}"
          + ".wrap{max-width:76rem;margin:0 auto;padding:0 1.5rem}"
          + "header.top{background:linear-gradient(120deg,var(--top1),var(--top2));color:#fff;"
          + "padding:1.4rem 0 1.3rem;margin-bottom:1.5rem}"
          + ".brand{font-size:.75rem;letter-spacing:.14em;text-transform:uppercase;opacity:.75}"
          + "h1{margin:.15rem 0 .25rem;font-size:1.65rem;font-weight:650;display:flex;"
          + "flex-wrap:wrap;align-items:center;gap:.6rem}"
          + ".sub{margin:0;opacity:.88;word-break:break-all}"
          + ".stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));"
          + "gap:.9rem;margin-bottom:1.6rem}"
          + ".stat{background:var(--card);border:1px solid var(--line);"
          + "border-top:4px solid var(--tone);border-radius:10px;padding:.7rem 1rem;"
          + "box-shadow:0 1px 2px rgba(0,0,0,.04)}"
          + ".stat .n{font-size:1.75rem;font-weight:700;color:var(--tone);line-height:1.2}"
          + ".stat .l{color:var(--muted);font-size:.84rem}"
          + "h2{font-size:1.2rem;margin:2rem 0 .7rem;display:flex;align-items:center;gap:.5rem}"
          + "h3{font-size:1rem;margin:1.3rem 0 .5rem;display:flex;align-items:center;gap:.45rem}"
          + "p{margin:.4rem 0 .8rem}"
          + ".scroll{overflow-x:auto;border-radius:10px}"
          + "table{width:100%;border-collapse:separate;border-spacing:0;background:var(--card);"
          + "border:1px solid var(--line);border-radius:10px;overflow:hidden;"
          + "box-shadow:0 1px 2px rgba(0,0,0,.04)}"
          + "th,td{text-align:left;padding:.5rem .8rem;vertical-align:top;"
          + "border-bottom:1px solid var(--line)}"
          + "tbody tr:last-child>*{border-bottom:0}"
          + "thead th{background:var(--head);font-size:.76rem;text-transform:uppercase;"
          + "letter-spacing:.05em;color:var(--muted);font-weight:650;white-space:nowrap}"
          + "table.data tbody tr:nth-child(even){background:var(--zebra)}"
          + "td:has(>.badge:only-child){width:1%}"
          + "table.data tbody tr:hover{background:var(--info-bg)}"
          + ".nowrap{white-space:nowrap}"
          + "td:has(>code.path){min-width:18rem}"
          + "table.facts{table-layout:fixed}"
          + "table.facts th{width:13rem;background:var(--head);font-weight:600;"
          + "color:var(--muted)}"
          + "code{font:.84em ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',"
          + "'DejaVu Sans Mono',monospace;word-break:break-all}"
          + ".badge{display:inline-block;padding:.08rem .6rem;border-radius:999px;"
          + "font-size:.76rem;font-weight:650;color:var(--tone);background:var(--tone-bg);"
          + "border:1px solid var(--tone);white-space:nowrap;vertical-align:middle}"
          + ".badge.big{font-size:.85rem;padding:.15rem .8rem;background:var(--card);"
          + "border-color:transparent}"
          + ".added{--tone:var(--added);--tone-bg:var(--added-bg)}"
          + ".removed{--tone:var(--removed);--tone-bg:var(--removed-bg)}"
          + ".changed{--tone:var(--changed);--tone-bg:var(--changed-bg)}"
          + ".warning{--tone:var(--warning);--tone-bg:var(--warning-bg)}"
          + ".ok{--tone:var(--added);--tone-bg:var(--added-bg)}"
          + ".bad{--tone:var(--removed);--tone-bg:var(--removed-bg)}"
          + ".info{--tone:var(--info);--tone-bg:var(--info-bg)}"
          + ".neutral{--tone:var(--neutral);--tone-bg:var(--neutral-bg)}"
          + "ul{margin:0;padding-left:1.2rem}li{margin:.1rem 0}"
          + ".callout{border:1px solid var(--tone);border-left-width:5px;"
          + "background:var(--tone-bg);padding:.6rem 1rem;border-radius:8px;margin:.6rem 0 1rem}"
          + ".muted{color:var(--muted)}"
          + "code.id{display:block;color:var(--muted);font-size:.74rem;margin-top:.1rem;"
          + "word-break:normal;white-space:nowrap}"
          + ".empty{color:var(--muted);font-style:italic;background:var(--card);"
          + "border:1px dashed var(--line);border-radius:10px;padding:.7rem 1rem}"
          + "footer{color:var(--muted);font-size:.8rem;padding:2rem 1.5rem 2.5rem}"
          + ".num{display:block;text-align:right;font-variant-numeric:tabular-nums;"
          + "white-space:nowrap}";
}
