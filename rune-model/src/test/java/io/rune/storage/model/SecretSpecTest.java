package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretSpecTest {

  @Test
  void keysAreSortedAndValuesNeverShown() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("user", "postgres");
    data.put("password", "hunter2");
    SecretSpec spec = new SecretSpec(data).validated();
    assertThat(spec.keys()).containsExactly("password", "user");
    assertThat(spec.toString()).isEqualTo("SecretSpec[keys=[password, user], values redacted]");
    assertThat(spec.data()).containsExactly(Map.entry("password", "hunter2"), Map.entry("user", "postgres"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"token", "API_TOKEN", "tls.crt", "a-b", "x", ".dotfile", "0"})
  void keysLikeEnvironmentNamesAndKubernetesSecretKeys(String key) {
    assertThat(SecretSpec.isValidKey(key)).isTrue();
    assertThat(SecretSpec.isValidKey("k".repeat(253))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a key", "a/b", "a:b", "ü", "token=s3cr3t-value"})
  void otherKeysAreRefusedWithoutBeingQuoted(String key) {
    assertThat(SecretSpec.isValidKey(key)).isFalse();
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> new SecretSpec(Map.of(key, "v")).validated());
    assertThat(e.field()).isEqualTo("data");
    assertThat(e.getMessage()).isEqualTo("key 1 of data (in sorted order, " + key.length()
        + " characters) is not a valid key: " + SecretSpec.KEY_RULE);
    assertThat(SecretSpec.isValidKey("k".repeat(254))).isFalse();
  }

  @Test
  void valuesAreAtMost64KiBOfUtf8() {
    new SecretSpec(Map.of("a", "x".repeat(65536))).validated();
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> new SecretSpec(Map.of("a", "é".repeat(32769))).validated());
    assertThat(e.field()).isEqualTo("data.a");
    assertThat(e.getMessage()).isEqualTo("the value of data.a is 65538 bytes; a value may have at most 65536 bytes"
        + " (64 KiB)");
  }

  @Test
  void atLeastOneKeyAndEveryValuePresent() {
    assertThat(catchThrowableOfType(ValidationException.class, () -> new SecretSpec(null).validated()).field())
        .isEqualTo("data");
    assertThat(catchThrowableOfType(ValidationException.class, () -> new SecretSpec(Map.of()).validated()).field())
        .isEqualTo("data");
    Map<String, String> missing = new LinkedHashMap<>();
    missing.put("token", null);
    assertThat(catchThrowableOfType(ValidationException.class, () -> new SecretSpec(missing).validated()).field())
        .isEqualTo("data.token");
  }
}
