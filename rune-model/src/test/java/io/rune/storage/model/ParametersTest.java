package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {

  private static ValidationException refused(Map<String, String> parameters) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> Parameters.check("parameters", parameters));
    assertThat(e).as("%s should be refused", parameters).isNotNull();
    assertThat(e.code()).isEqualTo("Invalid");
    return e;
  }

  @Test
  void acceptsWhatFitsTheLimits() {
    Map<String, String> full = new HashMap<>();
    for (int i = 0; i < Parameters.MAX_COUNT; i++) {
      full.put("p" + i, "v");
    }
    full.put("p0", "x".repeat(Parameters.MAX_VALUE_LENGTH));
    full.put("k".repeat(Parameters.MAX_KEY_LENGTH), "");
    full.remove("p1");
    Parameters.check("parameters", full);
    Parameters.check("parameters", null);
    Parameters.check("parameters", Map.of("zone", "fra1", "note", "with spaces, ✓ and 'quotes'"));
  }

  @Test
  void refusesTooManyTooLongOrMultiLine() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i <= Parameters.MAX_COUNT; i++) {
      many.put("p" + i, "v");
    }
    assertThat(refused(many).field()).isEqualTo("parameters");
    assertThat(refused(many).getMessage()).contains("65 entries", "at most 64");

    ValidationException longValue = refused(Map.of("tier", "x".repeat(Parameters.MAX_VALUE_LENGTH + 1)));
    assertThat(longValue.field()).isEqualTo("parameters.tier");
    assertThat(longValue.getMessage()).contains("4097 characters").hasSizeLessThan(200);

    ValidationException longKey = refused(Map.of("k".repeat(Parameters.MAX_KEY_LENGTH + 1), "v"));
    assertThat(longKey.field()).isEqualTo("parameters");
    assertThat(longKey.getMessage()).contains("254 characters").hasSizeLessThan(200);

    assertThat(refused(Map.of("tier", "a\nb")).field()).isEqualTo("parameters.tier");
    assertThat(refused(Map.of("ti\ter", "a")).field()).isEqualTo("parameters");
    assertThat(refused(Map.of(" ", "a")).getMessage()).contains("must not be empty");
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("tier", null);
    assertThat(refused(nullValue).getMessage()).contains("needs a value");
  }
}
