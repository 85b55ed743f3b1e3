package dev.penstock.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunJsonTest {
  record Inner(String name, String steps) {}

  record Outer(String id, List<Inner> inners, Map<String, Object> extra, String steps, int n) {}

  @Test
  void an_object_is_started_with_every_top_field_but_one_which_the_caller_writes_last()
      throws Exception {
    var out = new StringWriter();
    try (var json = new JsonFactory().createGenerator(out)) {
      var record =
          new Outer(
              "o1",
              List.of(new Inner("a", "kept below the top")),
              Map.of("steps", Map.of("deep", 1)),
              "left out",
              3);
      RunJson.startObjectWithout(json, record, "steps");
      json.writeFieldName("steps");
      json.writeStartArray();
      json.writeString("written by the caller");
      json.writeEndArray();
      json.writeEndObject();
    }

    assertThat(new ObjectMapper().readTree(out.toString()).toString())
        .isEqualTo(
            "{\"id\":\"o1\",\"inners\":[{\"name\":\"a\",\"steps\":\"kept below the top\"}],"
                + "\"extra\":{\"steps\":{\"deep\":1}},\"n\":3,"
                + "\"steps\":[\"written by the caller\"]}");
  }
}
