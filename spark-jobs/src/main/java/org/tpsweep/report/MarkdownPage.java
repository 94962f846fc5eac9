package org.tpsweep.report;

import java.util.List;

/** The report as GitHub-flavoured Markdown ({@code report.md}), images referenced beside it. */
public final class MarkdownPage {
    private MarkdownPage() {
    }

    /** The page of {@code sections} under the heading {@code title}, {@code intro} below it. */
    public static String render(String title, String intro, List<Section> sections) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n").append(intro).append("\n\n");
        for (Section s : sections) {
            b.append("## ").append(s.title()).append("\n\n");
            if (s.isOmitted()) {
                b.append('_').append(s.omittedBecause()).append("_\n\n");
                continue;
            }
            for (Section.Block block : s.blocks()) {
                if (block instanceof Section.Text t) {
                    b.append(t.text()).append("\n\n");
                } else if (block instanceof Section.Table t) {
                    table(b, t);
                } else if (block instanceof Section.Image i) {
                    b.append("![").append(i.caption().replace("]", ")")).append("](").append(i.file()).append(")\n\n");
                } else if (block instanceof Section.Code c) {
                    b.append("```\n").append(c.text().replace("```", "'''")).append(c.text().endsWith("\n") ? "" : "\n")
                            .append("```\n\n");
                }
            }
        }
        return b.toString();
    }

    private static void table(StringBuilder b, Section.Table t) {
        b.append('|');
        for (String h : t.header()) {
            b.append(' ').append(cell(h)).append(" |");
        }
        b.append("\n|");
        for (int k = 0; k < t.header().size(); k++) {
            b.append(t.numeric(k) ? "---:|" : "---|");
        }
        b.append('\n');
        for (int r = 0; r < t.rows().size(); r++) {
            b.append('|');
            List<String> row = t.rows().get(r);
            for (int k = 0; k < row.size(); k++) {
                String c = cell(row.get(k));
                boolean bold = t.bold().get(r).get(k) && !c.isEmpty();
                b.append(' ').append(bold ? "**" + c + "**" : c).append(" |");
            }
            b.append('\n');
        }
        b.append('\n');
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
