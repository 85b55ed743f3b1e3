package dev.penstock.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path temp;

  @Test
  void defaults_give_the_embedded_server_on_port_8080() {
    var config = ConfigLoader.load(Map.of(), null, Map.of());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.dataDir())
        .as("absolute, since steps run in directories of their own")
        .isEqualTo(Path.of("penstock-data").toAbsolutePath());
    assertThat(config.embeddedDatabase()).isTrue();
    assertThat(config.effectiveDatabaseUrl()).startsWith("jdbc:sqlite:").endsWith("penstock.db");
    assertThat(config.logCapBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(config.parallelLimit()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.scheduleTick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.isolation()).isEqualTo(Isolation.RUN);
    assertThat(config.workerMaxSteps()).isEqualTo(500);
    assertThat(config.pythonEnvsLimitBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
    assertThat(config.maxNameLength()).isEqualTo(200);
    assertThat(config.maxValueBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(config.maxJsonDepth()).isEqualTo(100);
  }

  @Test
  void the_isolation_can_be_chosen_and_a_bad_one_is_refused() {
    assertThat(
            ConfigLoader.load(Map.of(), null, Map.of("PENSTOCK_ISOLATION", "process")).isolation())
        .isEqualTo(Isolation.PROCESS);
    assertThat(ConfigLoader.load(Map.of(ConfigKey.ISOLATION, "Step"), null, Map.of()).isolation())
        .isEqualTo(Isolation.STEP);
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigKey.ISOLATION, "pod"), null, Map.of()))
        .hasMessage("isolation=pod (from --isolation): expected run, step or process");
  }

  @Test
  void an_artifact_store_is_an_s3_location_and_its_endpoint_a_url() {
    assertThat(ConfigLoader.load(Map.of(), null, Map.of()).artifactStore()).isNull();
    var s3 =
        ConfigLoader.load(
            Map.of(
                ConfigKey.ARTIFACT_STORE, "s3://team/penstock",
                ConfigKey.S3_ENDPOINT, "http://127.0.0.1:9000"),
            null,
            Map.of());
    assertThat(s3.artifactStore()).isEqualTo("s3://team/penstock");
    assertThat(s3.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(ConfigKey.ARTIFACT_STORE, "/srv/data"), null, Map.of()))
        .hasMessage(
            "artifact-store=/srv/data (from --artifact-store): expected s3://bucket or"
                + " s3://bucket/prefix");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(
                        ConfigKey.ARTIFACT_STORE, "s3://team",
                        ConfigKey.S3_ENDPOINT, "ftp://files"),
                    null,
                    Map.of()))
        .hasMessage(
            "s3-endpoint=ftp://files (from --s3-endpoint): expected an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Map.of(ConfigKey.S3_ENDPOINT, "http://127.0.0.1:9000"), null, Map.of()))
        .hasMessageEndingWith("it needs --artifact-store s3://bucket/prefix");
  }

  @Test
  void flags_beat_the_environment_which_beats_the_file_which_beats_defaults() throws IOException {
    Path file = temp.resolve("penstock.properties");
    Files.writeString(file, "port=9000\nhost=0.0.0.0\nsweep-interval=5m\n");
    var config =
        ConfigLoader.load(
            Map.of(ConfigKey.PORT, "9100"),
            file,
            Map.of("PENSTOCK_PORT", "9050", "PENSTOCK_HOST", "127.0.0.2"));
    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.host()).isEqualTo("127.0.0.2");
    assertThat(config.sweepInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void one_role_alone_needs_a_shared_database_and_a_drain_grace_may_be_none() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigKey.ROLES, "api"), null, Map.of()))
        .hasMessageContaining("roles=api (from --roles): a server with one role needs others");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigKey.ROLES, "cook"), null, Map.of()))
        .hasMessage("roles=cook (from --roles): expected api, worker or api,worker");
    var split =
        ConfigLoader.load(
            Map.of(
                ConfigKey.ROLES,
                "worker",
                ConfigKey.DB_URL,
                "jdbc:postgresql://db/penstock",
                ConfigKey.DRAIN_GRACE,
                "0s"),
            null,
            Map.of());
    assertThat(split.roles()).containsExactly(ServerRole.WORKER);
    assertThat(split.drainGrace()).isZero();
    assertThat(ConfigLoader.load(Map.of(), null, Map.of()).roles())
        .containsExactlyInAnyOrder(ServerRole.API, ServerRole.WORKER);
  }

  @Test
  void a_bad_value_names_key_value_and_source() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(), null, Map.of("PENSTOCK_HEARTBEAT_INTERVAL", "abc")))
        .hasMessage(
            "heartbeat-interval=abc (from PENSTOCK_HEARTBEAT_INTERVAL): expected a duration such as 10s (units: ms, s, m, h, d)");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigKey.PORT, "70000"), null, Map.of()))
        .hasMessage("port=70000 (from --port): expected a whole number from 0 to 65535");
    assertThatThrownBy(
            () -> ConfigLoader.load(Map.of(ConfigKey.MAX_JSON_DEPTH, "501"), null, Map.of()))
        .hasMessage(
            "max-json-depth=501 (from --max-json-depth): expected a whole number from 1 to 500");
  }

  @Test
  void an_unknown_key_in_the_config_file_is_refused() throws IOException {
    Path file = temp.resolve("bad.properties");
    Files.writeString(file, "prot=9000\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), file, Map.of()))
        .hasMessageContaining("unknown key 'prot'");
  }

  @Test
  void the_readme_lists_every_key_with_its_variable_flag_and_default() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (ConfigKey key : ConfigKey.values()) {
      String row =
          "| `"
              + key.flag()
              + "` | `"
              + key.envVar()
              + "` | "
              + (key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue() + "`")
              + " |";
      assertThat(readme).as("README row for " + key.key()).contains(row);
    }
  }
}
