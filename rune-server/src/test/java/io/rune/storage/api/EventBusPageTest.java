package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link EventBusAddressesIT} reads docs/EVENT-BUS.md. */
class EventBusPageTest {
  private static final EventBusPage PAGE = EventBusPage.parse("""
      | `rune.api.<plural>.<verb>` | `rune.driver.<driver>.<node>` | `__vertx.reply.<id>` |
      The verbs: `rune.api.volumes.get`, `rune.api.volumes.retry-provision`, and `rune.api.apply`.
      Fields such as `ctx.progressAddress`, `drivers.callTimeout` or `rune.internal.…` are not addresses.
      ```java
      bus.request("rune.api.volumes.delete", body); // `rune.api.volumes.delete` in a fenced block
      ```
      """);

  @Test
  void readsTheAddressesInCodeFontOutsideFencedBlocks() {
    assertThat(PAGE.entries()).containsExactly("rune.api.<plural>.<verb>", "rune.driver.<driver>.<node>",
        "__vertx.reply.<id>", "rune.api.volumes.get", "rune.api.volumes.retry-provision", "rune.api.apply");
  }

  @Test
  void aPlaceholderIsOneDotFreeSegment() {
    assertThat(PAGE.entryFor("rune.driver.local.node-a")).contains("rune.driver.<driver>.<node>");
    assertThat(PAGE.entryFor("__vertx.reply.17")).contains("__vertx.reply.<id>");
    assertThat(PAGE.entryFor("rune.driver.local")).isEmpty();
    assertThat(PAGE.entryFor("rune.driver.local.node.a")).isEmpty();
  }

  @Test
  void aPatternOverListedAddressesDocumentsOnlyThose() {
    assertThat(PAGE.literalsUnder("rune.api.<plural>.<verb>"))
        .containsExactly("rune.api.volumes.get", "rune.api.volumes.retry-provision");
    assertThat(PAGE.entryFor("rune.api.volumes.get")).contains("rune.api.volumes.get");
    assertThat(PAGE.entryFor("rune.api.volumes.delete")).as("a verb the page does not list").isEmpty();
  }

  @Test
  void anEntryNothingUsesIsUnused() {
    assertThat(PAGE.unused(List.of("rune.api.volumes.get", "rune.api.apply", "rune.driver.local.n1")))
        .containsExactly("__vertx.reply.<id>", "rune.api.volumes.retry-provision");
  }
}
