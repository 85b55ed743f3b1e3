package dev.penstock.store.s3;

import dev.penstock.store.ArtifactFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Artifacts as objects of an S3-compatible store, at {@code <prefix><run>/<path>} of one bucket,
 * for teams whose data outlives a machine and for steps that run elsewhere. Keeping one uploads it
 * and deletes the data directory's copy, so the machine holds no artifact bytes; reads stream the
 * object. Credentials and the region come from the environment as for any AWS SDK program
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, profiles, instance roles); with an
 * endpoint of its own (MinIO, Ceph, a test server) objects are addressed by path. Thread-safe: the
 * S3 client is.
 */
public final class S3ArtifactFiles implements ArtifactFiles, AutoCloseable {
  private static final int DELETE_BATCH = 1000; // the most one DeleteObjects request takes

  private final S3Client s3;
  private final S3Location location;

  private S3ArtifactFiles(S3Client s3, S3Location location) {
    this.s3 = s3;
    this.location = location;
  }

  /**
   * @param endpoint the store's URL when it is not AWS's own (null: AWS, by region)
   */
  public static S3ArtifactFiles connect(S3Location location, URI endpoint) {
    var client =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(region())
            // Checksums only where S3 requires them: S3-compatible stores lag behind AWS's newest.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (endpoint != null) {
      client.endpointOverride(endpoint).forcePathStyle(true);
    }
    return new S3ArtifactFiles(client.build(), location);
  }

  private static Region region() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkException none) {
      return Region.US_EAST_1; // an S3-compatible store at an endpoint of its own ignores it
    }
  }

  @Override
  public void keep(String runId, String path, Path local) throws IOException {
    long size = Files.size(local);
    try {
      s3.putObject(
          put -> put.bucket(location.bucket()).key(key(runId, path)).contentLength(size),
          RequestBody.fromFile(local));
    } catch (SdkException e) {
      throw failed("store " + path + " of run " + runId + " in", e);
    }
    Files.deleteIfExists(local);
  }

  @Override
  public InputStream open(String runId, String path) throws IOException {
    try {
      return s3.getObject(get -> get.bucket(location.bucket()).key(key(runId, path)));
    } catch (NoSuchKeyException gone) {
      throw new NoSuchFileException(location.uri(key(runId, path)));
    } catch (SdkException e) {
      throw failed("read " + path + " of run " + runId + " from", e);
    }
  }

  @Override
  public void deleteRun(String runId) throws IOException {
    try {
      var keys = new ArrayList<ObjectIdentifier>();
      for (S3Object object :
          s3.listObjectsV2Paginator(list -> list.bucket(location.bucket()).prefix(key(runId, "")))
              .contents()) {
        keys.add(ObjectIdentifier.builder().key(object.key()).build());
        if (keys.size() == DELETE_BATCH) {
          delete(keys);
        }
      }
      delete(keys);
    } catch (SdkException e) {
      throw failed("delete the artifacts of run " + runId + " from", e);
    }
  }

  private void delete(List<ObjectIdentifier> keys) throws IOException {
    if (keys.isEmpty()) {
      return;
    }
    var answer =
        s3.deleteObjects(
            delete ->
                delete
                    .bucket(location.bucket())
                    .delete(Delete.builder().objects(List.copyOf(keys)).quiet(true).build()));
    if (answer.hasErrors() && !answer.errors().isEmpty()) {
      var first = answer.errors().get(0);
      throw new IOException(
          "cannot delete %d objects of %s, %s first: %s"
              .formatted(answer.errors().size(), describe(), first.key(), first.message()));
    }
    keys.clear();
  }

  @Override
  public String describe() {
    return location.uri("");
  }

  @Override
  public void close() {
    s3.close();
  }

  private String key(String runId, String path) {
    return location.prefix() + runId + "/" + path;
  }

  private IOException failed(String what, SdkException e) {
    return new IOException("cannot " + what + " " + describe() + ": " + e.getMessage(), e);
  }
}
