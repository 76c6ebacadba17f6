package io.rune.storage.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeyFileTest {
  @TempDir
  Path tmp;

  @Test
  void theDefaultFileIsCreatedPrivateAndThenReused() throws IOException {
    Path file = tmp.resolve("data/secret.key");
    SecretCipher first = SecretKeyFile.load(file, true);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    String text = Files.readString(file);
    assertThat(text).matches("[A-Za-z0-9+/]{43}=\n");
    assertThat(SecretKeyFile.load(file, true).keyId()).isEqualTo(first.keyId());
    assertThat(Files.readString(file)).isEqualTo(text);
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temporary file is left").containsExactly(file);
    }
  }

  @Test
  void anExistingKeyIsNeverReplaced() throws IOException {
    Path file = tmp.resolve("secret.key");
    writeKey(file, new byte[32], "rw-------");
    String before = Files.readString(file);
    SecretCipher cipher = SecretKeyFile.load(file, true);
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(cipher.keyId()).isEqualTo(SecretCipher.of(new byte[32]).keyId());
  }

  @Test
  void aConfiguredFileMustExist() {
    Path file = tmp.resolve("keys/rune.key");
    assertThatThrownBy(() -> SecretKeyFile.load(file, false)).isInstanceOf(ConfigException.class)
        .hasMessage("runefile: '[secrets] keyFile' names " + file + ", which does not exist; create it (head -c 32"
            + " /dev/urandom | base64 > " + file + " && chmod 600 " + file + "), or remove keyFile to use"
            + " <dataDir>/secret.key, which the server creates");
    assertThat(file).doesNotExist();
  }

  @Test
  void aFileOthersMayReadOrWriteIsRefused() throws IOException {
    Path file = tmp.resolve("secret.key");
    for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
      writeKey(file, new byte[32], mode);
      assertThatThrownBy(() -> SecretKeyFile.load(file, true)).isInstanceOf(ConfigException.class)
          .hasMessage("the secret key file " + file + " has mode " + mode + ": it must be readable by its owner"
              + " only; run chmod 600 " + file + " (and check who may have read it)");
    }
    writeKey(file, new byte[32], "r--------");
    assertThat(SecretKeyFile.load(file, false).keyId()).isEqualTo(SecretCipher.of(new byte[32]).keyId());
  }

  @Test
  void aFileWithoutA32ByteKeyInBase64IsRefusedWithoutShowingItsContent() throws IOException {
    Path file = tmp.resolve("secret.key");
    writeKey(file, new byte[16], "rw-------");
    assertThatThrownBy(() -> SecretKeyFile.load(file, true)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("the secret key file " + file + " holds 16 bytes; it must hold 32 random bytes in"
            + " base64 on one line (44 characters); make one with head -c 32 /dev/urandom | base64");
    Files.writeString(file, "not-base64-at-all!secretish");
    assertThatThrownBy(() -> SecretKeyFile.load(file, true)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("the secret key file " + file + " is not base64:")
        .message().doesNotContain("secretish");
    Files.write(file, new byte[32]);
    assertThatThrownBy(() -> SecretKeyFile.load(file, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not base64");
    Files.write(file, new byte[4096]);
    assertThatThrownBy(() -> SecretKeyFile.load(file, true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is too large to be a key");
  }

  private static void writeKey(Path file, byte[] key, String mode) throws IOException {
    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }
}
