package io.rune.storage.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

  @Test
  void masksEveryFormOfPassword() {
    assertThat(PostgresUrl.mask("postgresql://rune:s3cret@db:5432/rune"))
        .isEqualTo("postgresql://rune:****@db:5432/rune");
    assertThat(PostgresUrl.mask("postgresql://rune:a@b:c/d@db/rune"))
        .isEqualTo("postgresql://rune:****@db/rune");
    assertThat(PostgresUrl.mask("postgresql://db/rune?user=u&password=s3cret&sslmode=require"))
        .isEqualTo("postgresql://db/rune?user=u&password=****&sslmode=require");
    assertThat(PostgresUrl.mask("rune:s3cret@db")).isEqualTo("rune:****@db");
  }

  @Test
  void leavesUrlsWithoutPasswordAlone() {
    assertThat(PostgresUrl.mask("postgresql://rune@db:5432/rune"))
        .isEqualTo("postgresql://rune@db:5432/rune");
    assertThat(PostgresUrl.mask("postgresql://db:5432/rune")).isEqualTo("postgresql://db:5432/rune");
  }

  @Test
  void findsWhatIsWrong() {
    assertThat(PostgresUrl.problem("postgresql://u:p@db:5432/rune")).isEmpty();
    assertThat(PostgresUrl.problem("jdbc:postgresql://db/rune")).contains(
        "must start with postgresql:// or postgres://");
    assertThat(PostgresUrl.problem("postgresql:///rune")).contains(
        "has no host (postgresql://user:pass@HOST:5432/db)");
    assertThat(PostgresUrl.problem("postgresql://db:0/rune")).contains(
        "has a port that is not a number from 1 to 65535");
    assertThat(PostgresUrl.problem("postgresql://[::1/rune")).contains(
        "has an IPv6 host without its closing ']'");
  }
}
