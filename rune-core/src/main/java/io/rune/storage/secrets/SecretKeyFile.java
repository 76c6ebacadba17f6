package io.rune.storage.secrets;

import io.rune.storage.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that holds the key Secrets are encrypted under: 32 random bytes, written in
 * base64 on one line (44 characters), readable by its owner only. Every method here does
 * blocking file work: call it from a worker thread or before Vert.x starts.
 */
public final class SecretKeyFile {
  private static final Logger log = LoggerFactory.getLogger(SecretKeyFile.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  /** Far more than a key in any spelling: a larger file is not a key file. */
  private static final long MAX_FILE_BYTES = 1024;
  private static final String HOW_TO_MAKE = "head -c 32 /dev/urandom | base64 > FILE && chmod 600 FILE";

  private SecretKeyFile() {}

  /**
   * Reads the key of {@code file}. When the file does not exist, {@code createIfMissing}
   * (the default path under the data directory) creates it with a new random key; a file
   * the operator configured must exist.
   *
   * @throws ConfigException when the file is missing, readable by others than its owner, or
   *     holds no 32-byte key in base64; the message says what to do
   */
  public static SecretCipher load(Path file, boolean createIfMissing) {
    try {
      if (!Files.exists(file)) {
        if (!createIfMissing) {
          throw new ConfigException("runefile: '[secrets] keyFile' names " + file + ", which does not exist;"
              + " create it (" + HOW_TO_MAKE.replace("FILE", file.toString()) + "), or remove keyFile to use"
              + " <dataDir>/secret.key, which the server creates");
        }
        create(file);
      }
      checkPrivate(file);
      return SecretCipher.of(decode(file));
    } catch (IOException e) {
      throw new ConfigException("the secret key file " + file + " could not be read: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a new key to a private temporary file and links it into place, which fails
   * rather than overwrite a key that appeared meanwhile (that one is then used).
   */
  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path temp = posix
        ? Files.createTempFile(dir, ".secret-key", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, ".secret-key", ".tmp");
    try {
      byte[] key = new byte[SecretCipher.KEY_BYTES];
      RANDOM.nextBytes(key);
      byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(text));
        channel.force(true);
      }
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        return;
      } catch (UnsupportedOperationException e) {
        Files.move(temp, file); // no hard links here; without REPLACE_EXISTING it refuses to overwrite
      }
      syncDirectory(dir);
      log.info("Created the secret key file {}: back it up with the database, Secrets cannot be read without it",
          file);
    } catch (FileAlreadyExistsException e) {
      // Another process created it between our check and our move: use theirs.
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some systems cannot open a directory for syncing; the file itself was synced.
    }
  }

  private static void checkPrivate(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    if (permissions.stream().anyMatch(OTHERS::contains)) {
      throw new ConfigException("the secret key file " + file + " has mode "
          + PosixFilePermissions.toString(permissions) + ": it must be readable by its owner only;"
          + " run chmod 600 " + file + " (and check who may have read it)");
    }
  }

  private static byte[] decode(Path file) throws IOException {
    String expected = "it must hold 32 random bytes in base64 on one line (44 characters); make one with "
        + HOW_TO_MAKE.replace("FILE", file.toString());
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new ConfigException("the secret key file " + file + " is too large to be a key: " + expected);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
      throw new ConfigException("the secret key file " + file + " is not base64: " + expected);
    }
    if (key.length != SecretCipher.KEY_BYTES) {
      throw new ConfigException("the secret key file " + file + " holds " + key.length
          + " bytes; " + expected);
    }
    return key;
  }
}
