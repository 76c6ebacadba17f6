package io.rune.storage.store;

import io.rune.storage.api.ApiException;
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
      String key = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] parts = key.split("\u0000", -1);
      if (parts.length == 2) {
        return parts;
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw ApiException.invalid("continue",
        "the continue token is not one this server issued; start the list again without it");
  }
}
