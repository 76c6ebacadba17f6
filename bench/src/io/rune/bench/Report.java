package io.rune.bench;

import java.util.ArrayList;
import java.util.List;

/** The results table: each figure beside its limit from the same run, and the verdict. */
final class Report {
  /** One line; {@code pass} is null for a figure shown for information, without a goal. */
  record Row(String measure, String rune, String limit, String ratio, String goal, Boolean pass) {
    String verdict() {
      return pass == null ? "info" : pass ? "PASS" : "FAIL";
    }

    List<String> cells() {
      return List.of(measure, rune, limit, ratio, goal, verdict());
    }
  }

  private static final List<String> HEADER =
      List.of("Measure", "runed", "Limit (same run)", "Ratio", "Goal", "Result");

  private final List<Row> rows = new ArrayList<>();

  void add(String measure, String rune, String limit, String ratio, String goal, Boolean pass) {
    rows.add(new Row(measure, rune, limit, ratio, goal, pass));
  }

  List<Row> rows() {
    return rows;
  }

  List<Row> failures() {
    return rows.stream().filter(row -> Boolean.FALSE.equals(row.pass())).toList();
  }

  String text() {
    int[] widths = new int[HEADER.size()];
    for (List<String> cells : allCells()) {
      for (int i = 0; i < cells.size(); i++) {
        widths[i] = Math.max(widths[i], cells.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    List<List<String>> lines = allCells();
    for (int line = 0; line < lines.size(); line++) {
      for (int i = 0; i < widths.length; i++) {
        out.append(String.format("%-" + widths[i] + "s", lines.get(line).get(i))).append(i + 1 < widths.length ? "  " : "");
      }
      out.append('\n');
      if (line == 0) {
        for (int i = 0; i < widths.length; i++) {
          out.append("-".repeat(widths[i])).append(i + 1 < widths.length ? "  " : "");
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
    out.append("|---|---:|---:|---:|---|---|\n");
    for (Row row : rows) {
      List<String> cells = new ArrayList<>(row.cells());
      cells.set(5, row.pass() == null ? "info" : row.pass() ? "**PASS**" : "**FAIL**");
      out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    return out.toString();
  }

  private List<List<String>> allCells() {
    List<List<String>> lines = new ArrayList<>();
    lines.add(HEADER);
    rows.forEach(row -> lines.add(row.cells()));
    return lines;
  }
}
