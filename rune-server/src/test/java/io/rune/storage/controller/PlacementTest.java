package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.controller.Placement.Decision;
import io.rune.storage.controller.Placement.Node;
import io.rune.storage.controller.Placement.Placed;
import io.rune.storage.controller.Placement.Request;
import io.rune.storage.controller.Placement.Unmet;
import io.rune.storage.model.StorageClassSpec.Expression;
import io.rune.storage.model.StorageClassSpec.TopologyTerm;
import io.rune.storage.model.Topology;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final String ZONE = "rune.io/zone";
  private static final Node N1 = new Node("n1", Map.of(ZONE, "zone-b", "disk", "hdd"));
  private static final Node N2 = new Node("n2", Map.of(ZONE, "zone-a", "disk", "hdd"));
  private static final Node N3 = new Node("n3", Map.of(ZONE, "zone-a", "disk", "ssd",
      Topology.HOST_PATH_ROOT, "/var/lib/rune/volumes"));
  private static final List<Node> NODES = List.of(N1, N2, N3);

  @Test
  void noRequirementsTakesTheFirstNode() {
    assertThat(chosen(NODES, request(Map.of(), List.of()))).isEqualTo("n1");
  }

  @Test
  void everyNodeHasItsOwnNameAsALabel() {
    assertThat(N2.labels()).containsEntry(Topology.NODE, "n2");
    assertThat(chosen(NODES, request(Map.of(Topology.NODE, "n2"), List.of()))).isEqualTo("n2");
    Unmet unmet = unmet(NODES, request(Map.of(Topology.NODE, "n9"), List.of()));
    assertThat(unmet.requirement()).isEqualTo("rune.io/node=n9");
    assertThat(unmet.message()).startsWith("no node has rune.io/node=n9 (the volume's topology asks for it);")
        .contains("node n1 has rune.io/node=n1");
  }

  @Test
  void theVolumesTopologyAndTheClassTermMustBothHold() {
    List<TopologyTerm> zoneA = List.of(in(ZONE, "zone-a"));
    assertThat(chosen(NODES, request(Map.of(), zoneA))).isEqualTo("n2");
    assertThat(chosen(NODES, request(Map.of("disk", "ssd"), zoneA))).isEqualTo("n3");
    assertThat(chosen(List.of(N1, N3), request(Map.of(), zoneA))).isEqualTo("n3");
  }

  @Test
  void aClassThatNoNodeSatisfiesNamesTheLabelAndWhatTheNodesHave() {
    Unmet unmet = unmet(List.of(N1), request(Map.of(), List.of(in(ZONE, "zone-a"))));
    assertThat(unmet.requirement()).isEqualTo("rune.io/zone=zone-a");
    assertThat(unmet.message()).isEqualTo("no node has rune.io/zone=zone-a (class zoned allows rune.io/zone in"
        + " [zone-a]); node n1 has rune.io/zone=zone-b");
  }

  @Test
  void matchLabelsAndEveryOperatorAreReadAsNodeAffinityReadsThem() {
    TopologyTerm ssd = new TopologyTerm(Map.of("disk", "ssd"), null);
    assertThat(chosen(NODES, request(Map.of(), List.of(ssd)))).isEqualTo("n3");
    assertThat(chosen(NODES, request(Map.of(), List.of(expr(ZONE, "NotIn", "zone-b"))))).isEqualTo("n2");
    assertThat(chosen(NODES, request(Map.of(), List.of(expr(Topology.HOST_PATH_ROOT, "Exists")))))
        .isEqualTo("n3");
    assertThat(chosen(NODES, request(Map.of(), List.of(expr(Topology.HOST_PATH_ROOT, "DoesNotExist")))))
        .isEqualTo("n1");
    // NotIn holds for a node without the key, as DoesNotExist does.
    Node bare = new Node("bare", Map.of());
    assertThat(chosen(List.of(bare), request(Map.of(), List.of(expr(ZONE, "NotIn", "zone-b"))))).isEqualTo("bare");
    assertThat(unmet(List.of(bare), request(Map.of(), List.of(expr(ZONE, "Exists")))).message())
        .isEqualTo("no node has the label rune.io/zone (class zoned allows rune.io/zone present); node bare has"
            + " no rune.io/zone");
  }

  @Test
  void termsAreAlternatives() {
    List<TopologyTerm> either = List.of(in(ZONE, "zone-c"), new TopologyTerm(Map.of("disk", "ssd"), null));
    assertThat(chosen(NODES, request(Map.of(), either))).isEqualTo("n3");
    Unmet unmet = unmet(List.of(N1, N2), request(Map.of(), either));
    assertThat(unmet.requirement()).isEqualTo("rune.io/zone=zone-c or disk=ssd");
    assertThat(unmet.message()).contains("class zoned allows rune.io/zone in [zone-c] or disk=ssd")
        .contains("node n1 has rune.io/zone=zone-b, disk=hdd").contains("node n2 has rune.io/zone=zone-a, disk=hdd");
  }

  @Test
  void nodesMissingTheSameLabelOrDifferentOnesAreDescribed() {
    Unmet unmet = unmet(List.of(N1, N2), request(Map.of("disk", "ssd"), List.of(in(ZONE, "zone-a"))));
    assertThat(unmet.message()).isEqualTo("no node has disk=ssd (the volume's topology asks for it); node n1 has"
        + " disk=hdd, node n2 has disk=hdd");
    Unmet mixed = unmet(List.of(N3, N1), request(Map.of(Topology.HOST_PATH_ROOT, "/srv/other"),
        List.of(in(ZONE, "zone-b"))));
    assertThat(mixed.requirement()).isEqualTo("rune.io/host-path-root=/srv/other");
    Unmet split = unmet(List.of(N3, N1), request(Map.of("disk", "ssd"), List.of(in(ZONE, "zone-b"))));
    assertThat(split.requirement()).isEqualTo("rune.io/zone=zone-b or disk=ssd");
    assertThat(split.message()).isEqualTo("no node meets every topology requirement; node n3 has rune.io/zone=zone-a"
        + " (needs rune.io/zone=zone-b), node n1 has disk=hdd (needs disk=ssd)");
  }

  @Test
  void aLongListOfNodesIsCutShort() {
    List<Node> many = List.of(N1, new Node("m2", Map.of()), new Node("m3", Map.of()), new Node("m4", Map.of()),
        new Node("m5", Map.of()));
    Unmet unmet = unmet(many, request(Map.of(ZONE, "zone-x"), List.of()));
    assertThat(unmet.message()).endsWith("node m3 has no rune.io/zone, and 2 more");
  }

  @Test
  void settledKeysAreLeftToTheWriteTimeCheck() {
    Request hostDir = new Request("host", Map.of(Topology.HOST_PATH_ROOT, "/srv/a"),
        List.of(in(Topology.HOST_PATH_ROOT, "/srv/a")), Set.of(Topology.HOST_PATH_ROOT));
    assertThat(chosen(List.of(N1), hostDir)).isEqualTo("n1");
  }

  @Test
  void noCandidateIsUnmet() {
    assertThat(Placement.place(List.of(), request(Map.of(), List.of()))).isInstanceOf(Unmet.class);
  }

  @Test
  void volumesSpreadEvenlyOverTheFittingNodesAndEachNodeComputesTheSame() {
    List<Node> nodes = List.of(new Node("a", Map.of(ZONE, "z1")), new Node("b", Map.of(ZONE, "z1")),
        new Node("c", Map.of(ZONE, "z1")), new Node("d", Map.of(ZONE, "z2")));
    Request zoned = request(Map.of(), List.of(in(ZONE, "z1")));
    Map<String, Integer> placed = new java.util.TreeMap<>();
    for (int i = 0; i < 300; i++) {
      String uid = java.util.UUID.nameUUIDFromBytes(("volume-" + i).getBytes()).toString();
      Decision decision = Placement.place(nodes, zoned, uid);
      assertThat(decision).isInstanceOf(Placed.class);
      String node = ((Placed) decision).node().name();
      // Stable: the same uid goes to the same node, in whatever order the nodes are listed.
      assertThat(((Placed) Placement.place(List.of(nodes.get(3), nodes.get(2), nodes.get(1), nodes.get(0)), zoned, uid))
          .node().name()).isEqualTo(node);
      placed.merge(node, 1, Integer::sum);
    }
    assertThat(placed).containsOnlyKeys("a", "b", "c");
    assertThat(placed.values()).allSatisfy(count -> assertThat(count).isBetween(70, 130));
  }

  @Test
  void aNodeThatLeavesMovesOnlyTheVolumesItWouldHaveTaken() {
    List<Node> three = List.of(new Node("a", Map.of()), new Node("b", Map.of()), new Node("c", Map.of()));
    List<Node> two = List.of(three.get(0), three.get(1));
    for (int i = 0; i < 100; i++) {
      String uid = "uid-" + i;
      String before = ((Placed) Placement.place(three, request(Map.of(), List.of()), uid)).node().name();
      String after = ((Placed) Placement.place(two, request(Map.of(), List.of()), uid)).node().name();
      if (!before.equals("c")) {
        assertThat(after).isEqualTo(before);
      }
    }
  }

  @Test
  void theNodesOwnNameWinsOverAConfiguredLabel() {
    assertThat(new Node("n1", Map.of(Topology.NODE, "other")).labels()).containsEntry(Topology.NODE, "n1");
  }

  private static Request request(Map<String, String> topology, List<TopologyTerm> allowed) {
    return new Request("zoned", topology, allowed, Set.of());
  }

  private static TopologyTerm in(String key, String... values) {
    return expr(key, "In", values);
  }

  private static TopologyTerm expr(String key, String operator, String... values) {
    return new TopologyTerm(null, List.of(new Expression(key, operator, values.length == 0 ? null : List.of(values))));
  }

  private static String chosen(List<Node> nodes, Request request) {
    Decision decision = Placement.place(nodes, request);
    assertThat(decision).isInstanceOf(Placed.class);
    return ((Placed) decision).node().name();
  }

  private static Unmet unmet(List<Node> nodes, Request request) {
    Decision decision = Placement.place(nodes, request);
    assertThat(decision).isInstanceOf(Unmet.class);
    return (Unmet) decision;
  }
}
