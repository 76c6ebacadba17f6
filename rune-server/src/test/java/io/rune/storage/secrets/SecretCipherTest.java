package io.rune.storage.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
  private static final String UID = "0b7e2c1a-3f5d-4e8a-9c6b-1d2e3f4a5b6c";
  private static final Map<String, String> VALUES = Map.of("token", "dop_v1_abcdef0123456789", "user", "ünïcode ✓");

  private static SecretCipher newCipher() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return SecretCipher.of(key);
  }

  @Test
  void sealedValuesOpenAsTheSecretTheyWereSealedFor() {
    SecretCipher cipher = newCipher();
    byte[] box = cipher.seal("prod", "do", UID, VALUES);
    assertThat(cipher.open("prod", "do", UID, box)).isEqualTo(VALUES);
    assertThat(new String(box, StandardCharsets.ISO_8859_1)).doesNotContain("dop_v1").doesNotContain("token");
    assertThat(box).hasSize(1 + 12 + "{\"token\":\"dop_v1_abcdef0123456789\",\"user\":\"ünïcode ✓\"}"
        .getBytes(StandardCharsets.UTF_8).length + 16);
  }

  @Test
  void everySealHasAFreshNonce() {
    SecretCipher cipher = newCipher();
    byte[] first = cipher.seal("prod", "do", UID, VALUES);
    byte[] second = cipher.seal("prod", "do", UID, VALUES);
    assertThat(Arrays.copyOfRange(first, 1, 13)).isNotEqualTo(Arrays.copyOfRange(second, 1, 13));
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aBoxDoesNotOpenAsAnotherSecret() {
    SecretCipher cipher = newCipher();
    byte[] box = cipher.seal("prod", "do", UID, VALUES);
    for (String[] other : new String[][] {{"dev", "do", UID}, {"prod", "do2", UID},
        {"prod", "do", "0b7e2c1a-3f5d-4e8a-9c6b-1d2e3f4a5b6d"}}) {
      assertThatThrownBy(() -> cipher.open(other[0], other[1], other[2], box))
          .isInstanceOf(SecretCipher.Unopenable.class).hasMessageContaining("fails authentication");
    }
  }

  @Test
  void anyAlteredByteOrAnotherKeyFailsAuthentication() {
    SecretCipher cipher = newCipher();
    byte[] box = cipher.seal("prod", "do", UID, VALUES);
    for (int i = 1; i < box.length; i++) {
      byte[] altered = box.clone();
      altered[i] ^= 0x01;
      assertThatThrownBy(() -> cipher.open("prod", "do", UID, altered)).isInstanceOf(SecretCipher.Unopenable.class);
    }
    assertThatThrownBy(() -> newCipher().open("prod", "do", UID, box)).isInstanceOf(SecretCipher.Unopenable.class);
  }

  @Test
  void somethingThatIsNoBoxIsRefused() {
    SecretCipher cipher = newCipher();
    byte[] box = cipher.seal("prod", "do", UID, VALUES);
    box[0] = 2;
    assertThatThrownBy(() -> cipher.open("prod", "do", UID, box)).isInstanceOf(SecretCipher.Unopenable.class)
        .hasMessageContaining("not in a format");
    assertThatThrownBy(() -> cipher.open("prod", "do", UID, new byte[10])).isInstanceOf(SecretCipher.Unopenable.class);
  }

  @Test
  void theKeyIdIsAStableFingerprintThatShowsNoKeyBytes() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x41);
    SecretCipher cipher = SecretCipher.of(key);
    assertThat(cipher.keyId()).isEqualTo(SecretCipher.of(key.clone()).keyId()).hasSize(16).matches("[0-9a-f]+");
    assertThat(cipher.keyId()).isNotEqualTo(newCipher().keyId());
    assertThat(cipher.toString()).isEqualTo("SecretCipher[AES-256-GCM, key " + cipher.keyId() + "]");
    key[0] = 0;
    assertThat(cipher.keyId()).as("the key was copied").isEqualTo(SecretCipher.of(filled()).keyId());
    assertThatThrownBy(() -> SecretCipher.of(new byte[16])).isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] filled() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0x41);
    return key;
  }
}
