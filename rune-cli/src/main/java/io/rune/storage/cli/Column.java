package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/** One table column: its header and how to read its cell from an API object. */
record Column(String header, Function<JsonNode, String> cell) {}
