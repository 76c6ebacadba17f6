package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserTextTest {

  @Test
  void quotesAShortPrefixWithControlCharactersEscaped() {
    assertThat(UserText.quote("web")).isEqualTo("\"web\"");
    assertThat(UserText.quote(null)).isEqualTo("null");
    assertThat(UserText.quote("a\"b\\c\n\u0000")).isEqualTo("\"a\\\"b\\\\c\\u000a\\u0000\"");
    String longValue = "x".repeat(UserText.SHOWN) + "the rest";
    assertThat(UserText.quote(longValue)).isEqualTo("\"" + "x".repeat(UserText.SHOWN) + "…\"");
    assertThat(UserText.quote("x".repeat(UserText.SHOWN))).doesNotContain("…");
  }

  @Test
  void findsWhatCannotBeStored() {
    assertThat(UserText.unstorable("plain \n\t text ✓ \ud83d\ude00")).isNull();
    assertThat(UserText.unstorable("ab\u0000")).isEqualTo("a NUL character (\\u0000) at position 3");
    assertThat(UserText.unstorable("\ud800")).startsWith("an unpaired UTF-16 surrogate (\\ud800)");
    assertThat(UserText.unstorable("a\ude00b")).contains("\\ude00", "position 2");
  }

  @Test
  void findsControlCharacters() {
    assertThat(UserText.controlCharacter("/data")).isNull();
    assertThat(UserText.controlCharacter("/data\n/etc")).isEqualTo("a control character (\\u000a) at position 6");
    assertThat(UserText.controlCharacter("\u007f")).contains("\\u007f");
  }

  @Test
  void namesFieldsAsAPath() {
    assertThat(UserText.child("", "labels")).isEqualTo("labels");
    assertThat(UserText.child("labels", "app")).isEqualTo("labels.app");
    assertThat(UserText.child("labels", "example.com/app")).isEqualTo("labels[\"example.com/app\"]");
    assertThat(UserText.child("p", "k".repeat(100))).endsWith("…\"]");
  }
}
