package dev.penstock.engine.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunKeysTest {
  private final RunKeys keys = new RunKeys("secret-one".getBytes(StandardCharsets.UTF_8));

  @Test
  void a_run_key_names_its_run_and_no_other_and_only_under_its_secret() {
    String key = keys.keyFor("version-1");

    assertThat(keys.runOf(key)).contains("version-1");
    assertThat(keys.keyFor("version-1")).isEqualTo(key);
    assertThat(keys.keyFor("version-2")).isNotEqualTo(key);
    assertThat(keys.runOf(key.replace("version-1", "version-2"))).isEmpty();
    assertThat(keys.runOf(key.substring(0, key.length() - 1) + "0")).isEmpty();
    assertThat(new RunKeys("secret-two".getBytes(StandardCharsets.UTF_8)).runOf(key)).isEmpty();
    assertThat(keys.runOf(null)).isEmpty();
    assertThat(keys.runOf("run-")).isEmpty();
  }

  @Test
  void keys_made_on_many_threads_at_once_are_the_same_as_one_by_one() {
    var made = new ConcurrentHashMap<Integer, String>();
    IntStream.range(0, 2_000).parallel().forEach(i -> made.put(i, keys.keyFor("v" + (i % 10))));

    made.forEach((i, key) -> assertThat(key).isEqualTo(keys.keyFor("v" + (i % 10))));
  }
}
