package io.rune.storage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContinueTokenTest {

  @Test
  void readsBackWhatItGave() {
    assertThat(ContinueToken.decode(ContinueToken.encode("ns-a", "web-data"))).containsExactly("ns-a", "web-data");
    assertThat(ContinueToken.decode(ContinueToken.encode("", "local"))).containsExactly("", "local");
  }

  private static String token(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "%00", "!!!", "", "YQ", "_w"})
  void refusesWhatItDidNotGive(String token) {
    assertRefused(token);
  }

  @Test
  void refusesTokensThatDecodeToTextTheStoreCannotHold() {
    assertRefused(token("a\u0000b\u0000c".getBytes(StandardCharsets.UTF_8)));
    assertRefused(token(new byte[] {'a', 0, (byte) 0xff}));
    assertRefused(token(new byte[] {'a', 0, (byte) 0xed, (byte) 0xa0, (byte) 0x80}));
  }

  private static void assertRefused(String token) {
    StoreException e = catchThrowableOfType(StoreException.class, () -> ContinueToken.decode(token));
    assertThat(e).as("token %s", token).isNotNull();
    assertThat(e.type()).isEqualTo(StoreException.Type.INVALID_CONTINUE_TOKEN);
    assertThat(e.getMessage()).isEqualTo("the continue token is not one this server gave; list again without it");
  }
}
