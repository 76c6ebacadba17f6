package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimNameTest {

  @Test
  void aPlainNameIsAVolumeOfTheServicesNamespace() {
    ClaimName claim = ClaimName.parse("volumes[0].claim.name", "web-data");
    assertThat(claim).isEqualTo(new ClaimName("web-data", null));
    assertThat(claim.namespaceOr("default")).isEqualTo("default");
  }

  @Test
  void theFqdnFormNamesAnotherNamespace() {
    ClaimName claim = ClaimName.parse("volumes[0].claim.name", "web-data.prod.rune");
    assertThat(claim).isEqualTo(new ClaimName("web-data", "prod"));
    assertThat(claim.namespaceOr("default")).isEqualTo("prod");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"Web", "web.prod", "web.prod.rune.io", "web.prod.cluster", "web..rune", ".prod.rune",
      "web.Prod.rune", "web.prod.rune.", "web_data"})
  void refusesAnythingElseNamingTheField(String value) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> ClaimName.parse("volumes[2].claim.name", value));
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo("volumes[2].claim.name");
    assertThat(e.getMessage()).contains("<volume>.<namespace>.rune");
  }
}
