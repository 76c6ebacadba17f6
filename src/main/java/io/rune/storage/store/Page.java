package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import java.util.List;

/** One page of a list: the items, the token for the next page (null at the end). */
public record Page(List<ApiObject> items, String continueToken, long resourceVersion) {}
