package io.rune.storage.store;

import io.rune.storage.model.UserText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque "continue" token of a list: the key of the last item returned, so the next
 * page starts strictly after it (keyset paging stays correct while objects change).
 */
public final class ContinueToken {
  private ContinueToken() {}

  public static String encode(String namespace, String name) {
    String key = namespace + "\u0000" + name;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns {namespace, name}. */
  public static String[] decode(String token) {
    try {
      String key = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(token)))
          .toString();
      String[] parts = key.split("\u0000", -1);
      // Only what encode() makes: two parts, each storable text (a name, or "" for a cluster-scoped kind).
      if (parts.length == 2 && UserText.unstorable(parts[0]) == null && UserText.unstorable(parts[1]) == null) {
        return parts;
      }
    } catch (IllegalArgumentException | CharacterCodingException e) {
      // fall through to the error below
    }
    throw new StoreException(StoreException.Type.INVALID_CONTINUE_TOKEN,
        "the continue token is not one this server gave; list again without it");
  }
}
