package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule every way to a token goes through: never more rights than the granter's own. */
class PrincipalTest {
  private static Principal principal(Role role, String... namespaces) {
    return new Principal("t", role, Set.of(namespaces));
  }

  @Test
  void noRoleAboveTheGrantersOwn() {
    for (Role granter : Role.values()) {
      for (Role wanted : Role.values()) {
        assertThat(principal(granter).mayGrant(wanted, Set.of(), null))
            .as(granter + " grants " + wanted).isEqualTo(wanted.compareTo(granter) >= 0);
      }
    }
    assertThatThrownBy(() -> principal(Role.readwrite).checkMayGrant(Role.admin, Set.of(), null))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.getMessage()).contains("admin").contains("readwrite");
        });
  }

  @Test
  void aScopedGranterGrantsOnlyANonEmptySubsetOfItsNamespaces() {
    Principal scoped = principal(Role.admin, "a", "b");
    assertThat(scoped.mayGrant(Role.admin, Set.of("a"), null)).isTrue();
    assertThat(scoped.mayGrant(Role.readonly, Set.of("a", "b"), null)).isTrue();
    assertThat(scoped.mayGrant(Role.readonly, Set.of(), null)).as("unscoped is every namespace").isFalse();
    assertThat(scoped.mayGrant(Role.readonly, Set.of("a", "c"), null)).isFalse();
    assertThatThrownBy(() -> scoped.checkMayGrant(Role.readonly, Set.of("c", "a"), null))
        .hasMessageContaining("[c]").hasMessageContaining("[a, b]");
    assertThat(principal(Role.admin).mayGrant(Role.admin, Set.of(), null)).isTrue();
    assertThat(principal(Role.admin).mayGrant(Role.readonly, Set.of("z"), null)).isTrue();
  }

  @Test
  void anExpiringGranterGrantsOnlyTokensThatExpireNoLater() {
    Instant end = Instant.parse("2030-01-01T00:00:00Z");
    Principal expiring = new Principal("t", Role.admin, Set.of(), end);
    assertThat(expiring.mayGrant(Role.admin, Set.of(), end)).isTrue();
    assertThat(expiring.mayGrant(Role.readonly, Set.of(), end.minusSeconds(1))).isTrue();
    assertThat(expiring.mayGrant(Role.readonly, Set.of(), end.plusMillis(1))).isFalse();
    assertThatThrownBy(() -> expiring.checkMayGrant(Role.readonly, Set.of(), null))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.getMessage()).contains("without expiry").contains("'expiresAt'").contains(end.toString());
        });
    assertThatThrownBy(() -> expiring.checkMayGrant(Role.readonly, Set.of(), end.plusSeconds(60)))
        .hasMessageContaining("outlive").hasMessageContaining(end.toString());
    assertThat(principal(Role.admin).mayGrant(Role.admin, Set.of(), null)).as("no expiry grants any").isTrue();
    assertThat(principal(Role.admin).mayGrant(Role.admin, Set.of(), end)).isTrue();
  }
}
