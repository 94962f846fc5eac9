package org.tpsweep.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One section of the report: a title and its blocks, or, when the sweep has no data for it, the one sentence that
 * says why it is left out ({@link #omitted}).
 */
public record Section(String id, String title, List<Block> blocks, String omittedBecause) {
    /** A piece of a section. */
    public sealed interface Block permits Text, Table, Image, Code {
    }

    /** A paragraph of plain text. */
    public record Text(String text) implements Block {
    }

    /** A table: a header and rows of cells (plain text; {@code bold} marks cells to emphasise, e.g. the best). */
    public record Table(List<String> header, List<List<String>> rows, List<List<Boolean>> bold) implements Block {
        /** True when every non-empty cell of column {@code c} (after the first) is a number or "n/a": right-aligned. */
        public boolean numeric(int c) {
            if (c == 0) {
                return false;
            }
            for (List<String> r : rows) {
                String v = r.get(c);
                if (!v.isEmpty() && !v.matches("^(-?[0-9\\[]|n/a|median).*")) {
                    return false;
                }
            }
            return true;
        }

        /** A table without emphasis. */
        public static Table plain(List<String> header, List<List<String>> rows) {
            List<List<Boolean>> none = new ArrayList<>();
            for (List<String> r : rows) {
                none.add(java.util.Collections.nCopies(r.size(), false));
            }
            return new Table(header, rows, none);
        }
    }

    /** A PNG file of the report folder with its size in pixels and a caption. */
    public record Image(String file, int width, int height, String caption) implements Block {
    }

    /** Preformatted text (a spec, a command). */
    public record Code(String text) implements Block {
    }

    /** A section with content. */
    public static Section of(String id, String title, List<Block> blocks) {
        return new Section(id, title, List.copyOf(blocks), null);
    }

    /** A section left out: {@code because} is the sentence that says why. */
    public static Section omitted(String id, String title, String because) {
        return new Section(id, title, List.of(), because);
    }

    /** True when the section is left out. */
    public boolean isOmitted() {
        return omittedBecause != null;
    }
}
