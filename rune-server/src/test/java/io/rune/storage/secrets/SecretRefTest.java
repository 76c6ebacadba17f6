package io.rune.storage.secrets;

import io.rune.storage.model.SecretRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.model.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretRefTest {

  @Test
  void aReferenceWithoutAKeyMeansTheTokenKey() {
    assertThat(SecretRef.parse("prod/do-api")).isEqualTo(new SecretRef("prod", "do-api", "token"));
    assertThat(SecretRef.parse("prod/do-api").toString()).isEqualTo("prod/do-api:token");
  }

  @Test
  void aKeyFollowsAColon() {
    assertThat(SecretRef.parse("prod/do-api:API_TOKEN.v2")).isEqualTo(new SecretRef("prod", "do-api", "API_TOKEN.v2"));
    assertThat(SecretRef.parse(SecretRef.parse("a/b:c-d").toString())).isEqualTo(new SecretRef("a", "b", "c-d"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "do-api | it names no namespace",
      "Prod/do-api | the namespace 'Prod' is not a valid name",
      "/do-api | the namespace '' is not a valid name",
      "prod/ | the name '' is not a valid name",
      "prod/do/api | the name 'do/api' is not a valid name",
      "prod/do-api: | the key '' is not valid",
      "prod/do-api:a key | the key 'a key' is not valid",
      "prod/do-api:a:b | the key 'a:b' is not valid",
      "prod/do-api:.. | the key '..' is not valid"})
  void aBadReferenceSaysTheAcceptedFormAndWhatIsWrong(String text, String problem) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> SecretRef.parse("parameters.apiTokenSecretRef", text));
    assertThat(e.field()).isEqualTo("parameters.apiTokenSecretRef");
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.getMessage()).startsWith("parameters.apiTokenSecretRef must be <namespace>/<name> (key token)"
        + " or <namespace>/<name>:<key>, got '" + text + "': " + problem);
  }

  @Test
  void anEmptyReferenceSaysTheForm() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> SecretRef.parse(" "));
    assertThat(e.field()).isNull();
    assertThat(e.getMessage()).isEqualTo("a secret reference is empty; write " + SecretRef.FORM);
  }
}
