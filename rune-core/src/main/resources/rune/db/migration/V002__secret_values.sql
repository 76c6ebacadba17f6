-- The values of Secrets, encrypted (AES-256-GCM) under the server's key file. They are kept
-- out of objects and change_log, whose rows every read, list and watch frame renders: the
-- objects row of a Secret holds its key names only. One row per secret, written in the
-- transaction that writes the secret's object row and removed with it (ON DELETE CASCADE).
CREATE TABLE secret_values (
  uid     uuid  PRIMARY KEY REFERENCES objects (uid) ON DELETE CASCADE,
  key_id  text  NOT NULL,  -- fingerprint of the key that sealed the box (not the key)
  box     bytea NOT NULL   -- format byte, 12-byte nonce, ciphertext and 16-byte tag
);
