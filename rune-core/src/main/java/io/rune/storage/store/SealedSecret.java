package io.rune.storage.store;

/**
 * The encrypted values of one Secret as stored beside its object row.
 *
 * @param uid the secret's uid, read from its object row
 * @param keyId the fingerprint of the key that sealed the box; null when no values are stored
 * @param box the sealed values (format byte, nonce, ciphertext and tag); null when none are stored
 */
public record SealedSecret(String uid, String keyId, byte[] box) {

  @Override
  public String toString() {
    return "SealedSecret[uid=" + uid + ", keyId=" + keyId + ", " + (box == null ? "no box" : box.length + " bytes")
        + "]";
  }
}
