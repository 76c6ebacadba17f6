package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** The columns of {@code rune node list}: what each node is, whether it is Ready, what it holds. */
final class NodeColumns {
  private NodeColumns() {}

  static List<Column> of(boolean wide, Instant now) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("NAME", node -> ResourceColumns.text(node.path("name"))));
    columns.add(new Column("STATUS", node -> ResourceColumns.text(node.path("status"))));
    columns.add(new Column("LABELS", node -> ResourceColumns.pairs(node.path("labels"))));
    columns.add(new Column("HOLDS", node -> holds(node.path("shards"))));
    columns.add(new Column("AGE", node -> Age.since(node.path("startedAt").asText(null), now)));
    if (wide) {
      columns.add(new Column("ADDRESS", node -> ResourceColumns.text(node.path("address"))));
      columns.add(new Column("VERSION", node -> ResourceColumns.text(node.path("version"))));
      columns.add(new Column("HEARTBEAT", node -> heartbeat(node.path("heartbeatAgeSeconds"))));
      columns.add(new Column("SHARDS", node -> ranges(node.path("shards"))));
    }
    return columns;
  }

  /** How many shards a node holds: {@code 6 shards}, {@code 1 shard}, {@code 0 shards}. */
  static String holds(JsonNode shards) {
    int count = shards.isArray() ? shards.size() : 0;
    return count + (count == 1 ? " shard" : " shards");
  }

  /** The heartbeat's age as AGE writes ages, with "ago": {@code 1s ago}. */
  static String heartbeat(JsonNode seconds) {
    if (!seconds.isNumber()) {
      return ResourceColumns.NONE;
    }
    return Age.of(Duration.ofMillis(Math.round(seconds.asDouble() * 1000))) + " ago";
  }

  /** The shards held, consecutive ones as a range: {@code 0-5,9,12-13}; {@value ResourceColumns#NONE} for none. */
  static String ranges(JsonNode shards) {
    List<Integer> numbers = new ArrayList<>();
    shards.forEach(shard -> numbers.add(shard.asInt()));
    numbers.sort(null);
    StringJoiner joined = new StringJoiner(",");
    for (int i = 0; i < numbers.size(); ) {
      int first = numbers.get(i);
      int last = first;
      while (i + 1 < numbers.size() && numbers.get(i + 1) == last + 1) {
        last = numbers.get(++i);
      }
      i++;
      joined.add(first == last ? String.valueOf(first) : first + "-" + last);
    }
    return joined.length() == 0 ? ResourceColumns.NONE : joined.toString();
  }
}
