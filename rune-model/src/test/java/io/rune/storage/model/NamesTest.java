package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "web-data", "pgdata-postgres-0", "a1b2", "x-y-z"})
  void acceptsDnsLabels(String name) {
    assertThat(Names.isValid(name)).isTrue();
    Names.checkName("name", name);
  }

  @Test
  void acceptsExactly63Characters() {
    String longest = "a".repeat(63);
    assertThat(Names.isValid(longest)).isTrue();
    Names.checkName("name", longest);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Web", "web_data", "-web", "web-", "web.data", "we b", "ü", "a/b"})
  void rejectsNonLabels(String name) {
    assertThat(Names.isValid(name)).isFalse();
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Names.checkName("namespace", name));
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo("namespace");
    assertThat(e.getMessage())
        .startsWith("namespace \"" + name + "\" is not a valid name")
        .contains("at most 63 lowercase letters");
  }

  @Test
  void rejects64Characters() {
    String tooLong = "a".repeat(64);
    assertThat(Names.isValid(tooLong)).isFalse();
    assertThatThrownBy(() -> Names.checkName("storageClassName", tooLong))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("storageClassName")
        .hasMessageContaining("too long (64 characters)")
        .extracting(e -> ((ValidationException) e).field())
        .isEqualTo("storageClassName");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void requiresAValue(String name) {
    assertThat(Names.isValid(name)).isFalse();
    assertThatThrownBy(() -> Names.checkName("name", name))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("name is required");
  }

  @Test
  void explainsUppercase() {
    assertThatThrownBy(() -> Names.checkName("name", "WebData"))
        .hasMessageContaining("uppercase");
  }
}
