package org.tpsweep.report;

import java.util.List;

/**
 * The report as one self-contained HTML page ({@code index.html}): inline style, no script, no network; the PNG
 * charts beside it, referenced by relative file name.
 */
public final class HtmlPage {
    private static final String STYLE = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
            + "color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}th,td{border:1px solid #ccc;"
            + "padding:0.25em 0.6em;text-align:left}td.num{text-align:right}"
            + "th{background:#f2f2f2}td.best{font-weight:bold;background:#eef6ee}figure{display:inline-block;"
            + "margin:0.5em}figcaption{font-size:0.85em;color:#555;max-width:800px}pre{background:#f6f6f6;"
            + "padding:0.6em;overflow-x:auto}p.omitted{font-style:italic;color:#666}nav a{margin-right:1em}";

    private HtmlPage() {
    }

    /** The page of {@code sections} under the heading {@code title}, {@code intro} below it. */
    public static String render(String title, String intro, List<Section> sections) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n<h1>")
                .append(esc(title)).append("</h1>\n<p>").append(esc(intro)).append("</p>\n<nav>");
        for (Section s : sections) {
            b.append("<a href=\"#").append(s.id()).append("\">").append(esc(s.title())).append("</a>");
        }
        b.append("</nav>\n");
        for (Section s : sections) {
            b.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(esc(s.title())).append("</h2>\n");
            if (s.isOmitted()) {
                b.append("<p class=\"omitted\">").append(esc(s.omittedBecause())).append("</p>\n");
            }
            for (Section.Block block : s.blocks()) {
                if (block instanceof Section.Text t) {
                    b.append("<p>").append(esc(t.text())).append("</p>\n");
                } else if (block instanceof Section.Table t) {
                    table(b, t);
                } else if (block instanceof Section.Image i) {
                    b.append("<figure><img src=\"").append(esc(i.file())).append("\" width=\"").append(i.width())
                            .append("\" height=\"").append(i.height()).append("\" alt=\"").append(esc(i.caption()))
                            .append("\"><figcaption>").append(esc(i.caption())).append("</figcaption></figure>\n");
                } else if (block instanceof Section.Code c) {
                    b.append("<pre>").append(esc(c.text())).append("</pre>\n");
                }
            }
            b.append("</section>\n");
        }
        return b.append("</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder b, Section.Table t) {
        b.append("<table>\n<tr>");
        for (String h : t.header()) {
            b.append("<th>").append(esc(h)).append("</th>");
        }
        b.append("</tr>\n");
        for (int r = 0; r < t.rows().size(); r++) {
            b.append("<tr>");
            List<String> row = t.rows().get(r);
            for (int k = 0; k < row.size(); k++) {
                String cls = (t.bold().get(r).get(k) ? "best " : "") + (t.numeric(k) ? "num" : "");
                b.append(cls.isEmpty() ? "<td>" : "<td class=\"" + cls.strip() + "\">").append(esc(row.get(k)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    /** {@code s} with the HTML special characters escaped. */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
