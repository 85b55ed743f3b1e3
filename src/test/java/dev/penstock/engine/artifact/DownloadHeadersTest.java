package dev.penstock.engine.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.Artifact;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DownloadHeadersTest {

  @Test
  void a_download_is_named_for_its_format_and_its_headers_cannot_be_forged() {
    assertThat(DownloadHeaders.fileName(artifact("frame", "frame", Artifact.Kind.TABLE, "parquet")))
        .isEqualTo("frame.parquet");
    assertThat(
            DownloadHeaders.fileName(artifact(null, "sub/report.txt", Artifact.Kind.FILE, "file")))
        .isEqualTo("report.txt");
    assertThat(DownloadHeaders.disposition(false, "ré port\".txt"))
        .isEqualTo("attachment; filename=\"r_ port_.txt\"; filename*=UTF-8''r%C3%A9%20port%22.txt");
    assertThat(DownloadHeaders.disposition(true, "plot.png")).startsWith("inline; ");
    assertThat(DownloadHeaders.contentType("text/plain; charset=utf-8"))
        .isEqualTo("text/plain; charset=utf-8");
    assertThat(DownloadHeaders.contentType("text/html\r\nSet-Cookie: x=1"))
        .isEqualTo("application/octet-stream");
    assertThat(DownloadHeaders.contentType(null)).isEqualTo("application/octet-stream");
  }

  private static Artifact artifact(
      String outputName, String name, Artifact.Kind kind, String format) {
    return new Artifact(
        "a1",
        "v1",
        "s1",
        1,
        outputName,
        name,
        kind,
        format,
        "text/plain",
        1,
        "p",
        null,
        Instant.EPOCH);
  }
}
