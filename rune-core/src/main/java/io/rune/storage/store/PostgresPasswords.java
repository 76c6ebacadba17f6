package io.rune.storage.store;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The passwords of the embedded PostgreSQL's two roles, kept in one file readable by its
 * owner only ({@code <dataDir>/pg.passwords}, beside the cluster in {@code <dataDir>/pg}):
 * {@code postgres}, the superuser, used only to set the database up at start, and
 * {@code rune}, the role the server works as. Made at first boot; the file is what the
 * cluster is made to match at every start, so a lost file only means new passwords.
 *
 * @param superuser the password of {@code postgres}
 * @param app the password of {@code rune}
 */
record PostgresPasswords(String superuser, String app) {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Reads {@code file}, or writes new random passwords to it when it is missing or incomplete. */
  static PostgresPasswords loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      Properties read = new Properties();
      read.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
      String superuser = read.getProperty("postgres", "");
      String app = read.getProperty("rune", "");
      if (!superuser.isBlank() && !app.isBlank()) {
        Files.setPosixFilePermissions(file, PrivateFile.OWNER_ONLY); // tightened if someone loosened it
        return new PostgresPasswords(superuser, app);
      }
    }
    PostgresPasswords made = new PostgresPasswords(random(), random());
    PrivateFile.write(file, """
        # Passwords of the embedded PostgreSQL's roles, made by Rune Storage at first boot.
        # postgres is its superuser; rune is the role the server connects as.
        postgres=%s
        rune=%s
        """.formatted(made.superuser, made.app));
    return made;
  }

  /** 32 random bytes in base64url: no character that needs quoting in SQL or a properties file. */
  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "PostgresPasswords[redacted]";
  }
}
