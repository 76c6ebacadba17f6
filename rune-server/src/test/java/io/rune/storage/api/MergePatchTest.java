package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The examples of RFC 7386, Appendix A, and the section 3 example. */
class MergePatchTest {

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"a\":\"b\"}              | {\"a\":\"c\"}                | {\"a\":\"c\"}",
      "{\"a\":\"b\"}              | {\"b\":\"c\"}                | {\"a\":\"b\",\"b\":\"c\"}",
      "{\"a\":\"b\"}              | {\"a\":null}                 | {}",
      "{\"a\":\"b\",\"b\":\"c\"}  | {\"a\":null}                 | {\"b\":\"c\"}",
      "{\"a\":[\"b\"]}            | {\"a\":\"c\"}                | {\"a\":\"c\"}",
      "{\"a\":\"c\"}              | {\"a\":[\"b\"]}              | {\"a\":[\"b\"]}",
      "{\"a\":{\"b\":\"c\"}}      | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
      "{\"a\":[{\"b\":\"c\"}]}    | {\"a\":[1]}                  | {\"a\":[1]}",
      "[\"a\",\"b\"]              | [\"c\",\"d\"]                | [\"c\",\"d\"]",
      "{\"a\":\"b\"}              | [\"c\"]                      | [\"c\"]",
      "{\"a\":\"foo\"}            | null                         | null",
      "{\"a\":\"foo\"}            | \"bar\"                      | \"bar\"",
      "{\"e\":null}               | {\"a\":1}                    | {\"e\":null,\"a\":1}",
      "[1,2]                      | {\"a\":\"b\",\"c\":null}     | {\"a\":\"b\"}",
      "{}                         | {\"a\":{\"bb\":{\"ccc\":null}}} | {\"a\":{\"bb\":{}}}",
  })
  void appendixA(String target, String patch, String result) {
    assertThat(MergePatch.apply(Json.decodeValue(target), Json.decodeValue(patch)))
        .isEqualTo(Json.decodeValue(result));
  }

  @Test
  void sectionThreeExampleLeavesTheTargetAlone() {
    JsonObject target = new JsonObject("""
        {"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},
         "tags":["example","sample"],"content":"This will be unchanged"}""");
    JsonObject before = target.copy();
    Object patched = MergePatch.apply(target, new JsonObject("""
        {"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}"""));
    assertThat(patched).isEqualTo(new JsonObject("""
        {"title":"Hello!","author":{"givenName":"John"},"tags":["example"],
         "content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"""));
    assertThat(target).isEqualTo(before);
  }
}
