package io.rune.storage.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console's files as the CSP needs them: nothing fetched from elsewhere, no inline script or
 * style, no code made from strings. (The CSP would refuse them in the browser; this says where.)
 */
class ConsoleFilesTest {
  private static final Path UI = Path.of("rune-core/src/main/resources/rune/ui");
  private static final Pattern BLOCK_COMMENT = Pattern.compile("/\\*.*?\\*/|<!--.*?-->", Pattern.DOTALL);
  /** A line comment starts a line or follows a space; "http://" has a colon before its slashes. */
  private static final Pattern LINE_COMMENT = Pattern.compile("(^|\\s)//.*$", Pattern.MULTILINE);

  @Test
  void noFileNamesAnAddressOutsideTheServer() throws IOException {
    for (Path file : files()) {
      assertThat(code(file)).as("%s outside comments", file).doesNotContain("http://").doesNotContain("https://")
          .doesNotContain("//cdn").doesNotContain("@import");
    }
  }

  @Test
  void nothingInlineAndNoCodeFromStrings() throws IOException {
    String page = Files.readString(UI.resolve("index.html"));
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page).find()).as("inline script").isFalse();
    assertThat(page).doesNotContain("<style").doesNotContain(" style=").doesNotContainPattern(" on[a-z]+=");
    for (Path file : files()) {
      assertThat(code(file)).as(file.toString()).doesNotContain("eval(").doesNotContain("new Function")
          .doesNotContain("innerHTML").doesNotContain("setAttribute('style'").doesNotContain("document.write");
    }
  }

  @Test
  void everyModuleTheAppImportsIsThere() throws IOException {
    Pattern imports = Pattern.compile("from '\\./([a-z]+\\.js)'");
    for (Path file : files()) {
      var matcher = imports.matcher(Files.readString(file));
      while (matcher.find()) {
        assertThat(UI.resolve(matcher.group(1))).as("imported by %s", file).isRegularFile();
      }
    }
  }

  /** A file without its comments. */
  private static String code(Path file) throws IOException {
    return LINE_COMMENT.matcher(BLOCK_COMMENT.matcher(Files.readString(file)).replaceAll("")).replaceAll("");
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> walk = Files.list(UI)) {
      List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
      assertThat(files).extracting(p -> p.getFileName().toString()).contains("index.html", "app.js", "console.css");
      return files;
    }
  }
}
