package io.rune.storage.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * How {@code --wait} shows what it is waiting for. A line when an object's situation
 * changes; for a copy that reports progress, a bar redrawn in place on a terminal, and on
 * anything else (a pipe, a log file) a plain line each time the percentage moves.
 */
final class WaitDisplay {
  private static final int BAR_WIDTH = 24;

  private final PrintWriter out;
  private final boolean terminal;
  private final Map<String, String> shown = new HashMap<>();
  /** The width of the bar line drawn last and not yet ended, or 0. */
  private int openBar;

  WaitDisplay(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** For the command's own output: a bar only when standard output is a terminal. */
  static WaitDisplay on(PrintWriter out) {
    return new WaitDisplay(out, System.console() != null);
  }

  void show(WaitTarget target) {
    if (target.type() == ResourceType.STORAGE_CLASS || target.type() == ResourceType.SECRET) {
      return; // ready once written: nothing to follow
    }
    CopyProgress progress = target.progress();
    String line = target.label() + " " + target.situation();
    if (progress != null) {
      if (terminal) {
        drawBar(line + " " + bar(progress.percent()) + " " + progress.percent() + "% "
            + Sizes.bytes(progress.bytesDone()) + "/" + Sizes.bytes(progress.bytesTotal()));
        return;
      }
      line += " " + progress.text();
    }
    if (!line.equals(shown.put(target.label(), line))) {
      endBar();
      out.println(line);
      out.flush();
    }
  }

  /** Ends a bar line left open, so that what follows starts on a line of its own. */
  void finish() {
    endBar();
    out.flush();
  }

  static String bar(int percent) {
    int filled = percent * BAR_WIDTH / 100;
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  private void drawBar(String line) {
    // Pad over a longer previous line, then return to the start for the next redraw.
    out.print("\r" + line + " ".repeat(Math.max(0, openBar - line.length())));
    out.flush();
    openBar = line.length();
  }

  private void endBar() {
    if (openBar > 0) {
      out.println();
      openBar = 0;
    }
  }
}
