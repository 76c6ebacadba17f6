package io.rune.storage.secrets;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the values of one Secret with AES-256-GCM under the server's key. A sealed box
 * is a format byte, a fresh random 12-byte nonce, and the ciphertext with its 16-byte tag.
 * The associated data names the secret (namespace, name and uid), so a box opens only as
 * the secret it was sealed for: copied to another secret's row, it fails authentication.
 */
public final class SecretCipher {
  /** The length of the key, in bytes. */
  public static final int KEY_BYTES = 32;

  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String AAD_PREFIX = "rune.secret.v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;
  private final String keyId;

  private SecretCipher(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("an AES-256 key has " + KEY_BYTES + " bytes, not " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
    this.keyId = fingerprint(key);
  }

  /** A cipher with this 32-byte key (the array is copied). */
  public static SecretCipher of(byte[] key) {
    return new SecretCipher(key.clone());
  }

  /**
   * A short fingerprint of the key, stored beside each box so that a box sealed under
   * another key is reported as such. It reveals nothing usable about the key.
   */
  public String keyId() {
    return keyId;
  }

  /** Encrypts {@code values} for the secret {@code namespace/name} with this uid. */
  public byte[] seal(String namespace, String name, String uid, Map<String, String> values) {
    byte[] plain = new JsonObject(new LinkedHashMap<String, Object>(new TreeMap<>(values))).toBuffer().getBytes();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(namespace, name, uid));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * Decrypts a box sealed by {@link #seal} for the same secret.
   *
   * @throws Unopenable when the box was altered, sealed for another secret or under another
   *     key, or is not a box at all; the message says which secret and never holds a value
   */
  public Map<String, String> open(String namespace, String name, String uid, byte[] box) {
    if (box == null || box.length < 1 + NONCE_BYTES + TAG_BITS / 8 || box[0] != FORMAT) {
      throw new Unopenable("its stored ciphertext is not in a format this server writes");
    }
    byte[] plain;
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, 1, NONCE_BYTES));
      cipher.updateAAD(associatedData(namespace, name, uid));
      plain = cipher.doFinal(box, 1 + NONCE_BYTES, box.length - 1 - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new Unopenable("its stored ciphertext fails authentication: it was altered, copied from"
          + " another secret, or encrypted under another key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
    Map<String, String> values = new TreeMap<>();
    try {
      new JsonObject(io.vertx.core.buffer.Buffer.buffer(plain)).forEach(e -> values.put(e.getKey(), (String) e.getValue()));
    } catch (DecodeException | ClassCastException e) {
      throw new Unopenable("its decrypted content is not a set of values");
    }
    return values;
  }

  private static byte[] associatedData(String namespace, String name, String uid) {
    // Names are DNS labels and uids are UUIDs: none contains the separator.
    return (AAD_PREFIX + "\n" + namespace + "\n" + name + "\n" + uid).getBytes(StandardCharsets.UTF_8);
  }

  private static String fingerprint(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("rune.secret.key-id\n".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(key), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SecretCipher[AES-256-GCM, key " + keyId + "]";
  }

  /** A box that does not open under this key as the secret it is read for. */
  public static final class Unopenable extends RuntimeException {
    Unopenable(String message) {
      super(message, null, false, false);
    }
  }
}
