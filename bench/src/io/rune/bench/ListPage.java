package io.rune.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * A list page read as a client that pages through needs it: how many items, and the continue
 * token. Streamed, without building the items, so that the listing time is the server's.
 */
record ListPage(int items, String continueToken) {
  private static final JsonFactory JSON = new JsonFactory();

  static ListPage read(Buffer body) {
    try (JsonParser parser = JSON.createParser(body.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException("a list page is not a JSON object");
      }
      int items = 0;
      String next = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("items") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            items++;
            parser.skipChildren();
          }
        } else if (field.equals("continue")) {
          next = value == JsonToken.VALUE_NULL ? null : parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      return new ListPage(items, next);
    } catch (IOException e) {
      throw new IllegalStateException("a list page is not valid JSON: " + e.getMessage(), e);
    }
  }
}
